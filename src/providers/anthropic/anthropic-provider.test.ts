import Anthropic from "@anthropic-ai/sdk";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { providerPayloads } from "../../../test/fixtures/provider-payloads.js";
import { rejectionOf } from "../../../test/rejection.js";
import { closeStubServers, startStubServer } from "../../../test/stub-server.js";
import { AuthenticationError, ProviderError, ProviderRequestError, TransientProviderError } from "../../core/errors.js";
import type { LLMRequest } from "../../core/llm.js";
import { createAnthropicProvider } from "./anthropic-provider.js";
import { toAnthropicBody } from "./to-anthropic-body.js";

const payloads = providerPayloads;
const fixtures = payloads.anthropic;
const apiKey = "sk-ant-test-secret-0123456789";

beforeEach(() => {
  vi.stubEnv("ANTHROPIC_API_KEY", "");
  vi.stubEnv("ANTHROPIC_BASE_URL", "");
  return () => vi.unstubAllEnvs();
});

const request: LLMRequest = {
  provider: "anthropic",
  model: "claude-opus-4-8",
  instructions: "Be brief.",
  messages: [{ role: "user", content: [{ type: "text", text: "Hello" }] }],
  options: { maxTokens: 100 },
};

const failureOf = (promise: Promise<unknown>) => rejectionOf(promise, ProviderError);

describe("createAnthropicProvider through the real SDK", () => {
  it("sends the body toAnthropicBody builds and parses the answer", async () => {
    const server = await startStubServer({
      status: 200,
      headers: { "request-id": "req_1" },
      body: fixtures.text_success.body,
    });
    const provider = createAnthropicProvider({ apiKey, baseURL: server.url });
    expect(provider.name).toBe("anthropic");

    const result = await provider.generate(request);

    expect(result.text).toBe(fixtures.text_success.body.content[0].text);
    expect(result.finishReason.unified).toBe("stop");
    expect(server.received).toHaveLength(1);
    const [sent] = server.received;
    expect(sent.method).toBe("POST");
    expect(sent.url).toBe("/v1/messages");
    expect(sent.body).toEqual(toAnthropicBody(request));
    expect(sent.headers["anthropic-version"]).toBe("2026-10-21");
    expect(sent.headers.authorization).toBe(`Bearer ${apiKey}`);
  });

  it("reads the key from ANTHROPIC_API_KEY", async () => {
    vi.stubEnv("ANTHROPIC_API_KEY", "sk-from-env");
    const server = await startStubServer({ status: 200, body: fixtures.text_success.body });
    await createAnthropicProvider({ baseURL: server.url }).generate(request);
    expect(server.received[0].headers.authorization).toBe("Bearer sk-from-env");
  });

  it("needs no key until the first call, then says which variable to set", async () => {
    const provider = createAnthropicProvider();
    const error = await failureOf(provider.generate(request));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.kind).toBe("authentication");
    expect(error.message).toContain("ANTHROPIC_API_KEY");
  });

  it("uses an injected client with its retries turned off", async () => {
    const server = await startStubServer({ status: 529, body: fixtures.error_529_overloaded.body });
    const client = new Anthropic({ apiKey, baseURL: server.url }); // SDK default: 2 retries
    const error = await failureOf(createAnthropicProvider({ client }).generate(request));
    expect(error.kind).toBe("overloaded");
    expect(server.received).toHaveLength(1);
  });
});

describe("Anthropic errors through the real SDK", () => {
  it("429 rate_limit_error: rate limited, with retry-after and the request id", async () => {
    const server = await startStubServer({
      status: 429,
      headers: { "retry-after": "7", "request-id": "req_from_header" },
      body: fixtures.error_429.body,
    });
    const error = await failureOf(createAnthropicProvider({ apiKey, baseURL: server.url }).generate(request));
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error).toMatchObject({
      kind: "rate-limited",
      provider: "anthropic",
      model: "claude-opus-4-8",
      statusCode: 429,
      providerMessage: fixtures.error_429.body.error.message,
      requestId: "req_from_header",
      retryAfterMs: 7000,
      isRetryable: true,
    });
    expect(error.cause).toBeInstanceOf(Anthropic.RateLimitError);
    expect(server.received).toHaveLength(1);
  });

  it("429 with retry-after-ms and no request-id header: the body's request id", async () => {
    const server = await startStubServer({
      status: 429,
      headers: { "retry-after-ms": "250" },
      body: fixtures.error_429.body,
    });
    const error = await failureOf(createAnthropicProvider({ apiKey, baseURL: server.url }).generate(request));
    expect(error.retryAfterMs).toBe(250);
    expect(error.requestId).toBe(fixtures.error_429.body.request_id);
  });

  it("529 overloaded_error: overloaded, retryable", async () => {
    const server = await startStubServer({ status: 529, body: fixtures.error_529_overloaded.body });
    const error = await failureOf(createAnthropicProvider({ apiKey, baseURL: server.url }).generate(request));
    expect(error).toMatchObject({
      kind: "overloaded",
      statusCode: 529,
      providerMessage: "Overloaded",
      isRetryable: true,
    });
    expect(error.retryAfterMs).toBeUndefined();
  });

  it("401 authentication_error: authentication, and the key never shows in the message", async () => {
    const server = await startStubServer({ status: 401, body: fixtures.error_401.body });
    const error = await failureOf(createAnthropicProvider({ apiKey, baseURL: server.url }).generate(request));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ kind: "authentication", statusCode: 401, providerMessage: "invalid x-api-key" });
    expect(error.requestId).toBe(fixtures.error_401.body.request_id);
    expect(error.message).toContain("ANTHROPIC_API_KEY");
    expect(error.message).not.toContain(apiKey);
  });

  it("400 invalid_request_error: request rejected, not retryable", async () => {
    const server = await startStubServer({ status: 400, body: fixtures.error_400.body });
    const error = await failureOf(createAnthropicProvider({ apiKey, baseURL: server.url }).generate(request));
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect(error).toMatchObject({ kind: "request-rejected", statusCode: 400, isRetryable: false });
    expect(error.message).toContain(fixtures.error_400.body.error.message);
  });

  it("connection refused: network, no status", async () => {
    const server = await startStubServer({ status: 200, body: {} });
    await closeStubServers();
    const error = await failureOf(createAnthropicProvider({ apiKey, baseURL: server.url }).generate(request));
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error.kind).toBe("network");
    expect(error.statusCode).toBeUndefined();
  });

  it("an abort is rethrown as it is, not classified", async () => {
    const server = await startStubServer({ status: 200, body: fixtures.text_success.body });
    const provider = createAnthropicProvider({ apiKey, baseURL: server.url });
    const error = await provider.generate(request, { signal: AbortSignal.abort() }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIUserAbortError);
    expect(error).not.toBeInstanceOf(ProviderError);
  });
});
