/**
 * Gemini responses: errors are `{ error: { code, message, status, details } }`
 * with gRPC status names; the retry hint is a `RetryInfo` detail, not a header
 * (providers.md §3.3).
 */
import type { ProviderFailure, WireResponse } from "./provider-routes.js";
import { retryDelaySeconds } from "./retry-headers.js";

const statusKinds: Readonly<Record<number, { readonly status: string; readonly message: string }>> = {
  400: { status: "INVALID_ARGUMENT", message: "Request contains an invalid argument." },
  401: { status: "UNAUTHENTICATED", message: "Request had invalid authentication credentials." },
  403: { status: "PERMISSION_DENIED", message: "The caller does not have permission" },
  404: { status: "NOT_FOUND", message: "Requested entity was not found." },
  409: { status: "ABORTED", message: "The operation was aborted." },
  429: { status: "RESOURCE_EXHAUSTED", message: "Resource has been exhausted (e.g. check quota)." },
  499: { status: "CANCELLED", message: "The operation was cancelled." },
  500: { status: "INTERNAL", message: "An internal error has occurred. Please retry or report it." },
  501: { status: "UNIMPLEMENTED", message: "Operation is not implemented, or supported, or enabled." },
  503: { status: "UNAVAILABLE", message: "The model is overloaded. Please try again later." },
  504: { status: "DEADLINE_EXCEEDED", message: "The request timed out. Please try again." },
};

/** The `RetryInfo` delay on a 429 that names none. */
const defaultRetryDelaySeconds = 1;

/** A successful Gemini response. */
export function geminiSuccess(body: unknown): WireResponse {
  return { status: 200, headers: {}, body };
}

/** A Gemini error response. */
export function geminiError(failure: ProviderFailure): WireResponse {
  const kind = statusKinds[failure.status] ?? (failure.status >= 500 ? statusKinds[500] : statusKinds[400]);
  const message = failure.message ?? kind.message;
  const details: unknown[] = [];
  if (failure.code) {
    details.push({
      "@type": "type.googleapis.com/google.rpc.ErrorInfo",
      reason: failure.code,
      domain: "googleapis.com",
      metadata: { service: "generativelanguage.googleapis.com" },
    });
  }
  if (failure.param) {
    details.push({
      "@type": "type.googleapis.com/google.rpc.BadRequest",
      fieldViolations: [{ field: failure.param, description: message }],
    });
  }
  const delay = retryDelaySeconds(failure) ?? (failure.status === 429 ? defaultRetryDelaySeconds : undefined);
  if (delay !== undefined)
    details.push({ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${delay}s` });
  return {
    status: failure.status,
    headers: {},
    body: { error: { code: failure.status, message, status: kind.status, details } },
  };
}
