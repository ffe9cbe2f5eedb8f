/** Mistral streams through the OpenAI adapter's Chat Completions stream, without the `stream_options` it refuses. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeProviderServer, startFakeProviderServer } from "../../testing/index.js";
import { createMistralProvider } from "./mistral-provider.js";

describe("Mistral streaming", () => {
  let server: FakeProviderServer;
  beforeAll(async () => {
    server = await startFakeProviderServer({ openaiDialect: "mistral" });
  });
  afterAll(() => server.close());
  beforeEach(() => server.resetLog());

  const request = {
    provider: "mistral",
    model: "mistral-small-latest",
    messages: [{ role: "user" as const, content: [{ type: "text" as const, text: "Tell a story." }] }],
  };

  it("the fake server refuses stream_options as Mistral does, with its 422 extra_forbidden body", async () => {
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer test" },
      body: JSON.stringify({
        ...request,
        messages: [{ role: "user", content: "Hi" }],
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({
      object: "error",
      message: { detail: [{ type: "extra_forbidden", loc: ["body", "stream_options"] }] },
    });
  });

  it("streams the answer, with the usage Mistral sends unasked", async () => {
    server.script({
      match: "Tell a story",
      reply: { text: "A story in a few words.", usage: { inputTokens: 4, outputTokens: 6 } },
    });
    const mistral = createMistralProvider({ apiKey: "test", baseURL: `${server.url}/v1` });
    const deltas: string[] = [];
    const result = await mistral.stream!(request, { onTextDelta: (delta) => deltas.push(delta) });
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join("")).toBe("A story in a few words.");
    expect(result.usage).toMatchObject({ inputTokens: 4, outputTokens: 6 });
    expect(server.requests[0]?.body).toMatchObject({ stream: true });
    expect(server.requests[0]?.body).not.toHaveProperty("stream_options");
  });
});
