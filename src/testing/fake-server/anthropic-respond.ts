/**
 * Anthropic responses: every one carries `request-id`; errors are
 * `{ type: "error", error: { type, message }, request_id }`.
 * @see https://docs.claude.com/en/api/errors
 */
import type { ProviderFailure, WireResponse } from "./provider-routes.js";
import { retryHeaders } from "./retry-headers.js";
import { wireIds } from "./wire-ids.js";

const errorKinds: Readonly<Record<number, { readonly type: string; readonly message: string }>> = {
  400: { type: "invalid_request_error", message: "Invalid request." },
  401: { type: "authentication_error", message: "invalid x-api-key" },
  402: { type: "billing_error", message: "Your credit balance is too low to access the Anthropic API." },
  403: { type: "permission_error", message: "Your API key does not have permission to use the specified resource." },
  404: { type: "not_found_error", message: "Not found" },
  413: { type: "request_too_large", message: "Request exceeds the maximum allowed number of bytes." },
  429: {
    type: "rate_limit_error",
    message: "This request would exceed your account's rate limit. Please try again later.",
  },
  500: { type: "api_error", message: "Internal server error" },
  504: { type: "timeout_error", message: "Request timed out" },
  529: { type: "overloaded_error", message: "Overloaded" },
};

/** A successful Anthropic response. */
export function anthropicSuccess(body: unknown): WireResponse {
  return { status: 200, headers: { "request-id": wireIds.anthropicRequest() }, body };
}

/** An Anthropic error response; the body's `request_id` equals the header. */
export function anthropicError(failure: ProviderFailure): WireResponse {
  const kind = errorKinds[failure.status] ?? (failure.status >= 500 ? errorKinds[500] : errorKinds[400]);
  const requestId = wireIds.anthropicRequest();
  return {
    status: failure.status,
    headers: { "request-id": requestId, ...retryHeaders(failure) },
    body: {
      type: "error",
      error: { type: kind.type, message: failure.message ?? kind.message },
      request_id: requestId,
    },
  };
}
