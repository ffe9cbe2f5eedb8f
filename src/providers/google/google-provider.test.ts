import { GoogleGenAI } from "@google/genai";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { providerPayloads } from "../../../test/fixtures/provider-payloads.js";
import { rejectionOf } from "../../../test/rejection.js";
import { closeStubServers, startStubServer } from "../../../test/stub-server.js";
import { AuthenticationError, ProviderError, ProviderRequestError, TransientProviderError } from "../../core/errors.js";
import type { LLMRequest } from "../../core/llm.js";
import { createGoogleProvider } from "./google-provider.js";
import { toGeminiRestBody } from "./to-gemini-rest-body.js";

const payloads = providerPayloads;
const fixtures = payloads.gemini;
const apiKey = "AIza-test-secret-0123456789";

beforeEach(() => {
  vi.stubEnv("GOOGLE_API_KEY", "");
  vi.stubEnv("GEMINI_API_KEY", "");
  vi.stubEnv("GOOGLE_GEMINI_BASE_URL", "");
  return () => vi.unstubAllEnvs();
});

const request: LLMRequest = {
  provider: "google",
  model: "gemini-2.5-flash",
  messages: [{ role: "user", content: [{ type: "text", text: "high" }] }],
  instructions: "I say high you say low",
};

const failureOf = (promise: Promise<unknown>) => rejectionOf(promise, ProviderError);

describe("createGoogleProvider through the real SDK", () => {
  it("sends exactly the REST body toGeminiRestBody builds and parses the answer", async () => {
    const server = await startStubServer({ status: 200, body: fixtures.text_success_with_system_instruction.body });
    const provider = createGoogleProvider({ apiKey, baseURL: server.url });
    expect(provider.name).toBe("google");

    const result = await provider.generate(request);

    expect(result).toMatchObject({ text: "low", responseId: "hi77aOvyCJ-jvr0P8syDgQw", model: "gemini-2.5-flash" });
    expect(result.usage).toMatchObject({ inputTokens: 9, outputTokens: 21, reasoningTokens: 20, totalTokens: 30 });
    expect(server.received).toHaveLength(1);
    const [sent] = server.received;
    expect(sent.method).toBe("POST");
    expect(sent.url).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect(sent.headers["x-goog-api-key"]).toBe(apiKey);
    expect(sent.body).toEqual(toGeminiRestBody(request));
    expect(sent.body).toEqual(fixtures.text_success_with_system_instruction.request);
  });

  it("the SDK sends the REST body for a request using every mapped feature", async () => {
    const server = await startStubServer({ status: 200, body: fixtures.tool_call.body });
    const full: LLMRequest = {
      provider: "google",
      model: "gemini-3-flash-preview",
      instructions: "Use the tool.",
      messages: [
        { role: "user", content: [{ type: "text", text: "what is the result of 100/2" }] },
        {
          role: "assistant",
          content: [{ type: "tool-call", id: "fc-1", name: "customDivide", args: { numerator: 100 } }],
        },
        {
          role: "user",
          content: [
            { type: "tool-result", toolCallId: "fc-1", name: "customDivide", output: 50 },
            { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
            { type: "file", mediaType: "application/pdf", url: "https://example.com/a.pdf" },
          ],
        },
      ],
      schema: { name: "answer", jsonSchema: { type: "object", properties: { value: { type: "number" } } } },
      tools: [{ name: "customDivide", description: "Divide", parameters: { type: "object", properties: {} } }],
      toolChoice: { name: "customDivide" },
      options: { temperature: 0.1, topP: 0.5, maxTokens: 32, stop: ["END"], seed: 3 },
      providerOptions: { topK: 4, safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }] },
    };

    const result = await createGoogleProvider({ apiKey, baseURL: server.url }).generate(full);

    expect(result.finishReason.unified).toBe("tool-calls");
    expect(server.received[0].url).toBe("/v1beta/models/gemini-3-flash-preview:generateContent");
    expect(server.received[0].body).toEqual(toGeminiRestBody(full));
  });

  it("reads the key from GEMINI_API_KEY, and GOOGLE_API_KEY wins when both are set", async () => {
    const server = await startStubServer({ status: 200, body: fixtures.text_success_with_system_instruction.body });
    vi.stubEnv("GEMINI_API_KEY", "gemini-key");
    await createGoogleProvider({ baseURL: server.url }).generate(request);
    vi.stubEnv("GOOGLE_API_KEY", "google-key");
    await createGoogleProvider({ baseURL: server.url }).generate(request);
    expect(server.received.map((sent) => sent.headers["x-goog-api-key"])).toEqual(["gemini-key", "google-key"]);
  });

  it("needs no key until the first call, then names both variables", async () => {
    const provider = createGoogleProvider();
    const error = await failureOf(provider.generate(request));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain("GEMINI_API_KEY");
    expect(error.message).toContain("GOOGLE_API_KEY");
  });

  it("honours apiVersion", async () => {
    const server = await startStubServer({ status: 200, body: fixtures.text_success_with_system_instruction.body });
    await createGoogleProvider({ apiKey, baseURL: server.url, apiVersion: "v1" }).generate(request);
    expect(server.received[0].url).toBe("/v1/models/gemini-2.5-flash:generateContent");
  });

  it("makes one attempt even with an injected client that retries", async () => {
    const server = await startStubServer({
      status: 503,
      body: { error: { code: 503, message: "The model is overloaded.", status: "UNAVAILABLE" } },
    });
    const client = new GoogleGenAI({
      apiKey,
      httpOptions: { baseUrl: server.url, apiVersion: "v1beta", retryOptions: { attempts: 3, initialDelay: 0.01 } },
    });
    const error = await failureOf(createGoogleProvider({ client }).generate(request));
    expect(error).toMatchObject({ kind: "overloaded", statusCode: 503, providerMessage: "The model is overloaded." });
    expect(server.received).toHaveLength(1);
  });
});

describe("Gemini errors through the real SDK", () => {
  it("429 RESOURCE_EXHAUSTED: rate limited, with the RetryInfo delay", async () => {
    const server = await startStubServer({ status: 429, body: fixtures.error_429.body });
    const error = await failureOf(createGoogleProvider({ apiKey, baseURL: server.url }).generate(request));
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error).toMatchObject({
      kind: "rate-limited",
      provider: "google",
      model: "gemini-2.5-flash",
      statusCode: 429,
      providerMessage: fixtures.error_429.body.error.message,
      retryAfterMs: 26_000,
      isRetryable: true,
    });
  });

  it("400 API_KEY_INVALID: authentication, and the key never shows in the message", async () => {
    const server = await startStubServer({ status: 400, body: fixtures.error_400_invalid_api_key.body });
    const error = await failureOf(createGoogleProvider({ apiKey, baseURL: server.url }).generate(request));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({
      kind: "authentication",
      statusCode: 400,
      providerMessage: "API key not valid. Please pass a valid API key.",
      isRetryable: false,
    });
    expect(error.message).toContain("GEMINI_API_KEY");
    expect(error.message).not.toContain(apiKey);
  });

  it("404 NOT_FOUND: request rejected", async () => {
    const server = await startStubServer({ status: 404, body: fixtures.error_404.body });
    const error = await failureOf(createGoogleProvider({ apiKey, baseURL: server.url }).generate(request));
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect(error).toMatchObject({
      kind: "request-rejected",
      statusCode: 404,
      providerMessage: fixtures.error_404.body.error.message,
      retryAfterMs: undefined,
    });
  });

  it("connection refused: network, no status", async () => {
    const server = await startStubServer({ status: 200, body: {} });
    await closeStubServers();
    const error = await failureOf(createGoogleProvider({ apiKey, baseURL: server.url }).generate(request));
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error.kind).toBe("network");
    expect(error.statusCode).toBeUndefined();
    expect(error.providerMessage).toContain("ECONNREFUSED");
  });

  it("an abort is rethrown as it is, not classified", async () => {
    const server = await startStubServer({ status: 200, body: fixtures.text_success_with_system_instruction.body });
    const provider = createGoogleProvider({ apiKey, baseURL: server.url });
    const error = await provider.generate(request, { signal: AbortSignal.abort() }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ProviderError);
    expect((error as Error).name).toBe("AbortError");
  });
});
