/**
 * The provider through the real openai SDK, talking to a tiny HTTP server on
 * 127.0.0.1 that answers with the recorded fixture bodies.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterEach, describe, expect, it, vi } from "vitest";
import { providerPayloads } from "../../../test/fixtures/provider-payloads.js";
import { type StubReply, startStubServer } from "../../../test/stub-server.js";
import { AuthenticationError, ProviderError, ProviderRequestError, TransientProviderError } from "../../core/errors.js";
import type { LLMRequest } from "../../core/llm.js";
import { createOpenAIProvider } from "./openai-provider.js";
import { toOpenAIChatBody } from "./to-openai-chat-body.js";
import { toOpenAIResponsesBody } from "./to-openai-responses-body.js";

const fixtures = (providerPayloads as { openai: Record<string, { body: unknown }> }).openai;

/** A stub server answering with `replies` in order; the SDK's base URL for it. */
async function serve(...replies: [StubReply, ...StubReply[]]) {
  const { url, received } = await startStubServer(...replies);
  return { baseURL: `${url}/v1`, received };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

const ask: LLMRequest = {
  provider: "openai",
  model: "gpt-4o-mini",
  instructions: "Be brief.",
  messages: [{ role: "user", content: [{ type: "text", text: "What's the weather in Boston?" }] }],
  options: { maxTokens: 100 },
};

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable("expected a failure"),
    (error: unknown) => error,
  );
}

describe("createOpenAIProvider", () => {
  it("is named openai and needs no key until the first call", () => {
    vi.stubEnv("OPENAI_API_KEY", "");
    expect(createOpenAIProvider().name).toBe("openai");
  });

  it("calls the Responses API by default and parses the answer", async () => {
    const { baseURL, received } = await serve({ status: 200, body: fixtures["responses_tool_call"].body });
    const provider = createOpenAIProvider({ apiKey: "test-key", baseURL });
    const result = await provider.generate(ask);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: "POST", url: "/v1/responses" });
    expect(received[0].headers["authorization"]).toBe("Bearer test-key");
    expect(received[0].body).toEqual(toOpenAIResponsesBody(ask));
    expect(result.toolCalls).toEqual([
      {
        id: "call_unLAR8MvFNptuiZK6K6HCy5k",
        name: "get_current_weather",
        args: { location: "Boston, MA", unit: "celsius" },
      },
    ]);
    expect(result.finishReason).toEqual({ unified: "tool-calls", raw: "completed" });
  });

  it("calls Chat Completions for api: chat", async () => {
    const { baseURL, received } = await serve({ status: 200, body: fixtures["chat_text_success"].body });
    const request: LLMRequest = ask;
    const result = await createOpenAIProvider({ apiKey: "test-key", baseURL, api: "chat" }).generate(request);
    expect(received[0]).toMatchObject({ method: "POST", url: "/v1/chat/completions" });
    expect(received[0].body).toEqual(toOpenAIChatBody(request));
    expect(result.text).toBe("Hello! How can I assist you today?");
    expect(result.usage.totalTokens).toBe(29);
  });

  it("reads the key from OPENAI_API_KEY, once, lazily", async () => {
    vi.stubEnv("OPENAI_API_KEY", "env-key");
    const { baseURL, received } = await serve({ status: 200, body: fixtures["responses_text_success"].body });
    const provider = createOpenAIProvider({ baseURL });
    await provider.generate(ask);
    await provider.generate(ask);
    expect(received.map((request) => request.headers["authorization"])).toEqual(["Bearer env-key", "Bearer env-key"]);
  });

  it("refuses to call without a key, with a message that says what to do", async () => {
    vi.stubEnv("OPENAI_API_KEY", "");
    const { baseURL, received } = await serve({ status: 200, body: fixtures["responses_text_success"].body });
    const error = await failure(createOpenAIProvider({ baseURL }).generate(ask));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ kind: "authentication", provider: "openai" });
    expect((error as Error).message).toMatch(/OPENAI_API_KEY/);
    expect(received).toHaveLength(0);
  });

  it("uses an injected client, without its retries", async () => {
    const { baseURL, received } = await serve({
      status: 429,
      body: fixtures["error_429_rate_limit"].body,
      headers: { "retry-after": "2", "x-request-id": "req_429" },
    });
    const client = new OpenAI({ apiKey: "injected-key", baseURL }); // maxRetries defaults to 2
    const error = await failure(createOpenAIProvider({ client }).generate(ask));
    expect(received).toHaveLength(1);
    expect(received[0].headers["authorization"]).toBe("Bearer injected-key");
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error).toMatchObject({
      kind: "rate-limited",
      statusCode: 429,
      model: "gpt-4o-mini",
      requestId: "req_429",
      retryAfterMs: 2000,
    });
    expect((error as ProviderError).providerMessage).toMatch(/^Rate limit reached for o4-mini/);
  });

  it("does not retry 5xx itself, and reads retry-after-ms", async () => {
    const { baseURL, received } = await serve(
      { status: 503, body: { error: { message: "overloaded" } }, headers: { "retry-after-ms": "750" } },
      { status: 200, body: fixtures["responses_text_success"].body },
    );
    const error = await failure(createOpenAIProvider({ apiKey: "k", baseURL }).generate(ask));
    expect(received).toHaveLength(1);
    expect(error).toMatchObject({ kind: "overloaded", statusCode: 503, retryAfterMs: 750 });
  });

  it("turns a 400 into a ProviderRequestError with the provider's message", async () => {
    const { baseURL } = await serve({ status: 400, body: fixtures["error_400"].body });
    const error = await failure(createOpenAIProvider({ apiKey: "k", baseURL, api: "chat" }).generate(ask));
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect((error as ProviderError).providerMessage).toMatch(/^max_tokens is too large: 20480/);
    expect((error as ProviderError).isRetryable).toBe(false);
  });

  it("turns a 401 into an AuthenticationError that shows no key", async () => {
    const { baseURL } = await serve({ status: 401, body: fixtures["error_401"].body });
    const error = await failure(createOpenAIProvider({ apiKey: "sk-secret-value-1234", baseURL }).generate(ask));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).not.toMatch(/VKMIs|secret-value/);
  });

  it("names itself in its errors by the name it is registered under, and its key variable on a 401", async () => {
    const { baseURL } = await serve({ status: 401, body: fixtures["error_401"].body });
    const error = await failure(createOpenAIProvider({ name: "local", apiKey: "k", baseURL }).generate(ask));
    expect(error).toMatchObject({ provider: "local", model: ask.model });
    expect((error as Error).message).toMatch(
      /^local \(.*\) failed with HTTP 401: .*Check the API key in OPENAI_API_KEY/,
    );
    vi.stubEnv("OPENAI_API_KEY", "");
    const missing = await failure(createOpenAIProvider({ name: "local", baseURL }).generate(ask));
    vi.unstubAllEnvs();
    expect(missing).toMatchObject({ provider: "local", requestSent: false });
    expect((missing as Error).message).toMatch(
      /The API key of provider "local" is missing.*createOpenAIProvider\(\{ name: "local", apiKey \}\)/,
    );
  });

  it("classifies a refused connection as network", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await failure(
      createOpenAIProvider({ apiKey: "k", baseURL: `http://127.0.0.1:${port}/v1` }).generate(ask),
    );
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error).toMatchObject({ kind: "network", statusCode: undefined });
  });

  it("classifies a client timeout as network", async () => {
    const { baseURL, received } = await serve({
      status: 200,
      body: fixtures["responses_text_success"].body,
      delayMs: 2000,
    });
    const client = new OpenAI({ apiKey: "k", baseURL, timeout: 100 });
    const error = await failure(createOpenAIProvider({ client }).generate(ask));
    expect(error).toMatchObject({ kind: "network", providerMessage: "Request timed out." });
    expect(received).toHaveLength(1);
  });

  it("rethrows an abort through the caller's signal unchanged", async () => {
    const { baseURL } = await serve({ status: 200, body: fixtures["responses_text_success"].body, delayMs: 2000 });
    const controller = new AbortController();
    const pending = createOpenAIProvider({ apiKey: "k", baseURL }).generate(ask, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await failure(pending);
    expect(error).toBeInstanceOf(OpenAI.APIUserAbortError);
    expect(error).not.toBeInstanceOf(ProviderError);
  });
});
