/**
 * An `@anthropic-ai/sdk` failure → a classified `ProviderError`.
 *
 * @see https://docs.claude.com/en/api/errors
 */
import { type ProviderError, providerError } from "../../core/errors.js";
import { parseRetryAfterMs } from "../shared/parse-retry-after.js";
import { anthropicDefaults } from "./anthropic-defaults.js";
import { anthropicSdk } from "./anthropic-sdk.js";

/**
 * Classify `error` thrown by an SDK call (`model` is unknown for batch calls
 * other than create). HTTP failures keep the status, Anthropic's message, the
 * request id and the `retry-after` delay; connection failures and timeouts
 * carry no status (network). Anything else (an abort, a bug) gives
 * `undefined`: the caller rethrows it unchanged. `provider`: the name the
 * provider is registered under.
 */
export function convertAnthropicError(
  error: unknown,
  model: string | undefined,
  provider: string = anthropicDefaults.name,
): ProviderError | undefined {
  const sdk = anthropicSdk.loaded;
  if (!sdk || !(error instanceof sdk.APIError) || error instanceof sdk.APIUserAbortError) return undefined;
  if (error instanceof sdk.APIConnectionError || error.status === undefined) {
    return providerError({ provider, model, providerMessage: error.message, cause: error });
  }
  const body = (error.error ?? {}) as { request_id?: unknown };
  const requestId = error.requestID ?? (typeof body.request_id === "string" ? body.request_id : undefined);
  return providerError({
    provider,
    model,
    apiKeyVariable: anthropicDefaults.apiKeyVariable,
    statusCode: error.status,
    providerMessage: error.apiMessage ?? error.message,
    ...(requestId ? { requestId } : {}),
    retryAfterMs: parseRetryAfterMs(error.headers),
    cause: error,
  });
}
