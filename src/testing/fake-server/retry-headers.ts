/**
 * `retry-after` headers as OpenAI and Anthropic send them; both SDKs read
 * `retry-after-ms` first, then `retry-after` (seconds).
 */
import type { ProviderFailure } from "./provider-routes.js";

/** The retry headers for a failure; empty when it names no delay. */
export function retryHeaders(failure: ProviderFailure): Record<string, string> {
  const headers: Record<string, string> = {};
  if (failure.retryAfterMs !== undefined) {
    headers["retry-after-ms"] = String(failure.retryAfterMs);
    headers["retry-after"] = String(Math.ceil(failure.retryAfterMs / 1000));
  }
  if (failure.retryAfterSeconds !== undefined) headers["retry-after"] = String(failure.retryAfterSeconds);
  return headers;
}

/** The delay a failure names, in seconds; `undefined` when it names none. */
export function retryDelaySeconds(failure: ProviderFailure): number | undefined {
  if (failure.retryAfterSeconds !== undefined) return failure.retryAfterSeconds;
  if (failure.retryAfterMs !== undefined) return failure.retryAfterMs / 1000;
  return undefined;
}
