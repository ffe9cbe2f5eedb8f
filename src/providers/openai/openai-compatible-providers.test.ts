/** What the Groq and Azure OpenAI factories add to the OpenAI adapter (the BatchApi contract covers the rest). */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { inputFile } from "../../../test/batch-api.js";
import { rejectionOf } from "../../../test/rejection.js";
import { InputError } from "../../core/errors.js";
import type { LLMRequest } from "../../core/llm.js";
import { type FakeProviderServer, startFakeProviderServer } from "../../testing/index.js";
import { createAzureOpenAIProvider } from "./azure-openai-provider.js";
import { createGroqProvider } from "./groq-provider.js";

const ask = (provider: string, model: string): LLMRequest => ({
  provider,
  model,
  messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
});

describe("createGroqProvider", () => {
  let server: FakeProviderServer;
  beforeAll(async () => {
    server = await startFakeProviderServer({ openaiDialect: "groq" });
  });
  afterAll(() => server.close());

  it("refuses a completion window Groq does not accept, saying which it does", () => {
    for (const window of ["12h", "8d", "1w"]) {
      expect(() => createGroqProvider({ completionWindow: window })).toThrow(InputError);
    }
    expect(() => createGroqProvider({ completionWindow: "12h" })).toThrow(/"24h" to "7d"/);
  });

  it("names Groq, not OpenAI, when it refuses a tool whose parameters are not an object", () => {
    const groq = createGroqProvider({ apiKey: "gsk_fake" });
    const request = {
      ...ask("groq", "llama-3.1-8b-instant"),
      tools: [{ name: "pick", parameters: { type: "string" } }],
    };
    expect(() => groq.checkRequest?.(request)).toThrow(/Groq takes only an object/);
  });

  it("creates its batches with the completion window it was given", async () => {
    const groq = createGroqProvider({ apiKey: "gsk_fake", baseURL: `${server.url}/openai/v1`, completionWindow: "3d" });
    const item = { customId: "a", request: ask("groq", "llama-3.1-8b-instant") };
    const inputPath = inputFile([groq.batch!.inputLine(item)]);
    await groq.batch!.submit({ model: "llama-3.1-8b-instant", items: [item], inputPath, tag: "window" });
    expect(server.requests.find((request) => request.path === "/openai/v1/batches")?.body).toMatchObject({
      completion_window: "3d",
      endpoint: "/v1/chat/completions",
    });
  });
});

describe("createAzureOpenAIProvider", () => {
  let server: FakeProviderServer;
  beforeAll(async () => {
    server = await startFakeProviderServer({ openaiDialect: "azure" });
  });
  afterAll(() => server.close());
  beforeEach(() => server.resetLog());

  it("asks a deployment at its path, with api-version and the key in api-key (redacted in the log)", async () => {
    const azure = createAzureOpenAIProvider({
      apiKey: "azure-secret-key",
      endpoint: server.url,
      apiVersion: "2025-04-01-preview",
    });
    const result = await azure.generate(ask("azure", "my-deployment"));
    expect(result.text).toMatch(/\S/);
    const [request] = server.requests;
    expect(request.path).toBe("/openai/deployments/my-deployment/chat/completions?api-version=2025-04-01-preview");
    expect(request.headers["api-key"]).toBe("[redacted]");
    expect(JSON.stringify(server.requests)).not.toContain("azure-secret-key");
  });

  it("says where to put the endpoint when it has none, before sending anything", async () => {
    vi.stubEnv("AZURE_OPENAI_ENDPOINT", "");
    const azure = createAzureOpenAIProvider({ apiKey: "azure-fake" });
    const error = await rejectionOf(azure.generate(ask("azure", "my-deployment")), InputError);
    expect(error.message).toContain("AZURE_OPENAI_ENDPOINT");
    expect(server.requests).toHaveLength(0);
    vi.unstubAllEnvs();
  });
});
