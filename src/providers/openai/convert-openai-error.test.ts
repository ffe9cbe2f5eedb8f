import OpenAI from "openai";
import { beforeAll, describe, expect, it } from "vitest";
import { AuthenticationError, ProviderRequestError, TransientProviderError } from "../../core/errors.js";
import { convertOpenAIError } from "./convert-openai-error.js";
import { openaiSdk } from "./openai-sdk.js";

// Errors are told apart by the SDK's classes once a call has loaded it; here, no call is made.
beforeAll(() => openaiSdk.load());

function apiError(status: number, body: unknown, headers: Record<string, string> = {}, text?: string) {
  return OpenAI.APIError.generate(status, body as object | undefined, text, new Headers(headers));
}

describe("convertOpenAIError", () => {
  it("classifies a 429 with the provider's message, request id and retry-after", () => {
    const error = apiError(
      429,
      { error: { message: "Rate limit reached for o4-mini", type: "tokens", code: "rate_limit_exceeded" } },
      { "retry-after": "2", "x-request-id": "req_123" },
    );
    const converted = convertOpenAIError(error, "o4-mini");
    expect(converted).toBeInstanceOf(TransientProviderError);
    expect(converted).toMatchObject({
      kind: "rate-limited",
      provider: "openai",
      model: "o4-mini",
      statusCode: 429,
      providerMessage: "Rate limit reached for o4-mini",
      requestId: "req_123",
      retryAfterMs: 2000,
      isRetryable: true,
    });
    expect(converted?.cause).toBe(error);
    expect(converted?.message).toContain("req_123");
  });

  it("prefers retry-after-ms", () => {
    const error = apiError(503, { error: { message: "busy" } }, { "retry-after-ms": "250", "retry-after": "9" });
    expect(convertOpenAIError(error, "m")).toMatchObject({ kind: "overloaded", retryAfterMs: 250 });
  });

  it.each([
    [400, ProviderRequestError, "request-rejected"],
    [404, ProviderRequestError, "request-rejected"],
    [422, ProviderRequestError, "request-rejected"],
    [401, AuthenticationError, "authentication"],
    [403, AuthenticationError, "authentication"],
    [409, TransientProviderError, "server"],
    [500, TransientProviderError, "server"],
    [502, TransientProviderError, "server"],
  ] as const)("classifies HTTP %i", (status, type, kind) => {
    const converted = convertOpenAIError(apiError(status, { error: { message: "x" } }), "m");
    expect(converted).toBeInstanceOf(type);
    expect(converted?.kind).toBe(kind);
  });

  it("masks an API key the provider echoes back", () => {
    const error = apiError(401, {
      error: {
        message:
          "Incorrect API key provided: sk-VKMIs***************************************wjh3. You can find your API key at https://platform.openai.com/account/api-keys.",
        code: "invalid_api_key",
      },
    });
    const converted = convertOpenAIError(error, "gpt-4o");
    expect(converted?.providerMessage).toBe(
      "Incorrect API key provided: sk-***. You can find your API key at https://platform.openai.com/account/api-keys.",
    );
    expect(converted?.message).not.toContain("VKMIs");
    expect(converted?.message).toContain("OPENAI_API_KEY");
  });

  it("uses the text of a body that is not JSON, without the status prefix", () => {
    const converted = convertOpenAIError(apiError(502, undefined, {}, "<html>Bad gateway</html>"), "m");
    expect(converted?.providerMessage).toBe("<html>Bad gateway</html>");
  });

  it("classifies connection failures and timeouts as network, without a status", () => {
    const refused = convertOpenAIError(
      new OpenAI.APIConnectionError({ cause: new Error("connect ECONNREFUSED 127.0.0.1:9") }),
      "m",
    );
    expect(refused).toBeInstanceOf(TransientProviderError);
    expect(refused).toMatchObject({ kind: "network", statusCode: undefined });
    expect(refused?.providerMessage).toBe("Connection error. (connect ECONNREFUSED 127.0.0.1:9)");
    const timeout = convertOpenAIError(new OpenAI.APIConnectionTimeoutError(), "m");
    expect(timeout).toMatchObject({ kind: "network", providerMessage: "Request timed out." });
  });

  it("leaves aborts and foreign errors alone", () => {
    expect(convertOpenAIError(new OpenAI.APIUserAbortError(), "m")).toBeUndefined();
    expect(convertOpenAIError(new TypeError("bug"), "m")).toBeUndefined();
    expect(convertOpenAIError(new OpenAI.OpenAIError("Missing credentials"), "m")).toBeUndefined();
  });
});
