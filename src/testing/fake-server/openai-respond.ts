/**
 * OpenAI responses: every one carries `x-request-id`; errors are
 * `{ error: { message, type, param, code } }`.
 * @see https://platform.openai.com/docs/guides/error-codes
 */
import type { ProviderFailure, WireResponse } from "./provider-routes.js";
import { retryHeaders } from "./retry-headers.js";
import { wireIds } from "./wire-ids.js";

const defaultMessages: Readonly<Record<number, string>> = {
  400: "Invalid request.",
  401: "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
  403: "You are not allowed to access this resource.",
  404: "The requested resource was not found.",
  409: "The request conflicts with the current state of the resource.",
  422: "The request could not be processed.",
  429: "Rate limit reached for requests per min (RPM). Please try again later.",
  500: "The server had an error while processing your request. Sorry about that!",
  503: "The server is overloaded or not ready yet.",
};

/** A successful OpenAI response. */
export function openaiSuccess(body: unknown): WireResponse {
  return { status: 200, headers: { "x-request-id": wireIds.openaiRequest() }, body };
}

/** An OpenAI error response. */
export function openaiError(failure: ProviderFailure): WireResponse {
  const { status } = failure;
  return {
    status,
    headers: { "x-request-id": wireIds.openaiRequest(), ...retryHeaders(failure) },
    body: failure.body ?? {
      error: {
        message: failure.message ?? defaultMessages[status] ?? _fallbackMessage(status),
        type: _type(status),
        param: failure.param ?? null,
        code: failure.code !== undefined ? failure.code : _code(status),
      },
    },
  };
}

// --- internal ---

function _type(status: number): string {
  if (status === 429) return "requests";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

function _code(status: number): string | null {
  if (status === 401) return "invalid_api_key";
  if (status === 429) return "rate_limit_exceeded";
  return null;
}

function _fallbackMessage(status: number): string {
  return status >= 500 ? defaultMessages[500] : defaultMessages[400];
}
