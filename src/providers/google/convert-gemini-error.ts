/**
 * A `@google/genai` failure → a classified `ProviderError`.
 *
 * @see https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
 */
import { AuthenticationError, type ProviderError, providerError } from "../../core/errors.js";
import { geminiSdk } from "./gemini-sdk.js";
import { googleDefaults } from "./google-defaults.js";

/**
 * Classify `error` thrown by a `@google/genai` call (`model` is `undefined`
 * for calls about an existing batch, which name none). The SDK's `ApiError`
 * carries the status and the error body as JSON text; the body gives
 * Google's message and the `RetryInfo` delay. Gemini answers a bad API
 * key with 400 INVALID_ARGUMENT (reason `API_KEY_INVALID`): that one is an
 * authentication failure. A failed fetch carries no status (network).
 * Anything else (an abort, a bug) gives `undefined`: the caller rethrows it
 * unchanged. `provider`: the name the provider is registered under.
 */
export function convertGeminiError(
  error: unknown,
  model: string | undefined,
  provider: string = googleDefaults.name,
): ProviderError | undefined {
  const sdk = geminiSdk.loaded;
  if (sdk && error instanceof sdk.ApiError) {
    const body = _parseBody(error.message);
    const details = Array.isArray(body["details"]) ? (body["details"] as Record<string, unknown>[]) : [];
    const providerMessage = typeof body["message"] === "string" ? body["message"] : error.message;
    const reason = details.map((detail) => detail["reason"]).find((value) => typeof value === "string") as
      | string
      | undefined;
    if (reason?.startsWith("API_KEY_")) {
      return new AuthenticationError(
        "authentication",
        `${model ? `${provider} (${model})` : provider} failed with HTTP ${error.status} (${reason}): ${providerMessage}. Check the API key in ${googleDefaults.apiKeyVariable} or the client you passed; the run stops here and nothing already received is lost.`,
        { provider, model, statusCode: error.status, providerMessage, cause: error },
      );
    }
    return providerError({
      provider,
      model,
      apiKeyVariable: googleDefaults.apiKeyVariable,
      statusCode: error.status,
      providerMessage,
      retryAfterMs: _retryDelay(details),
      cause: error,
    });
  }
  if (_isNetworkError(error)) {
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    const providerMessage = typeof code === "string" ? `${error.message} (${code})` : error.message;
    return providerError({ provider, model, providerMessage, cause: error });
  }
  return undefined;
}

// --- internal ---

/** The `error` object of the body the SDK put in the message, or `{}`. */
function _parseBody(message: string): Record<string, unknown> {
  try {
    const parsed = JSON.parse(message) as { error?: unknown };
    return typeof parsed.error === "object" && parsed.error !== null ? (parsed.error as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** `RetryInfo.retryDelay` is a protobuf Duration in JSON: "26s", "0.5s". */
function _retryDelay(details: readonly Record<string, unknown>[]): number | undefined {
  const retryInfo = details.find((detail) => String(detail["@type"]).endsWith("google.rpc.RetryInfo"));
  const match = /^(\d+(?:\.\d+)?)s$/.exec(String(retryInfo?.["retryDelay"] ?? ""));
  return match ? Math.round(Number(match[1]) * 1000) : undefined;
}

/** undici's fetch fails with `TypeError("fetch failed")` (cause: ECONNREFUSED...) or "terminated" mid-body. */
function _isNetworkError(error: unknown): error is TypeError {
  return error instanceof TypeError && (error.message === "fetch failed" || error.message === "terminated");
}
