/**
 * Groq and Azure OpenAI stream through the OpenAI adapter's Chat Completions
 * stream, each against the fake server speaking its dialect (Groq's paths,
 * Azure's deployments, `api-version` and `api-key`), with the official SDK.
 */
import { AzureOpenAI } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAzureOpenAIProvider, createGroqProvider } from "../src/providers/openai/index.js";
import type { Provider } from "../src/providers/provider.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";

const dialects: [string, "groq" | "azure", string, (server: FakeProviderServer) => Provider][] = [
  [
    "Groq",
    "groq",
    "llama-3.1-8b-instant",
    (server) => createGroqProvider({ apiKey: "gsk_fake", baseURL: `${server.url}/openai/v1` }),
  ],
  [
    "Azure OpenAI",
    "azure",
    "gpt-4o-mini",
    (server) =>
      createAzureOpenAIProvider({
        client: new AzureOpenAI({ apiKey: "azure-fake", endpoint: server.url, apiVersion: "2024-10-21" }),
      }),
  ],
];

describe.each(dialects)("%s streaming", (_label, dialect, model, create) => {
  let server: FakeProviderServer;
  beforeAll(async () => {
    server = await startFakeProviderServer({ openaiDialect: dialect });
  });
  afterAll(() => server.close());

  it("streams deltas that make up the answer, with its usage", async () => {
    server.script({
      match: "Tell a story",
      reply: { text: "Once upon a time, briefly.", usage: { inputTokens: 5, outputTokens: 7 } },
    });
    const deltas: string[] = [];
    const result = await create(server).stream!(
      { provider: dialect, model, messages: [{ role: "user", content: [{ type: "text", text: "Tell a story." }] }] },
      { onTextDelta: (delta) => deltas.push(delta) },
    );
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe("Once upon a time, briefly.");
    expect(result.text).toBe("Once upon a time, briefly.");
    expect(result.usage).toMatchObject({ inputTokens: 5, outputTokens: 7 });
    expect(server.requests.at(-1)?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });
});
