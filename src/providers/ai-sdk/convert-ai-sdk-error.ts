/**
 * An error an AI SDK model threw → a classified `ProviderError`. The AI SDK
 * marks its errors with `Symbol.for("vercel.ai.error.<name>")` (what its own
 * `isInstance` checks), so no AI SDK code is loaded to recognise them.
 *
 * @see https://ai-sdk.dev/docs/reference/ai-sdk-errors/ai-api-call-error
 */
import {
  AuthenticationError,
  foreignProviderError,
  type ProviderError,
  providerError,
  TransientProviderError,
} from "../../core/errors.js";
import { parseRetryAfterMs } from "../shared/parse-retry-after.js";
import { describeCause, streamCut } from "../shared/stream-cut.js";
import { convertUnreadableResponse, UnreadableResponse } from "../shared/unreadable-response.js";

/**
 * An `APICallError` by its status (429 and 5xx retried, 4xx not; a successful
 * status whose body could not be read as an unreadable response, retried), or
 * by its `isRetryable` when it has no status (a connection that failed); a missing API
 * key as an authentication error that sent nothing; anything else as a request
 * error that is not retried. An abort (`AbortError`) is returned unchanged.
 */
export function convertAiSdkError(error: unknown, provider: string, model: string): ProviderError | unknown {
  return convertStreamedAiSdkError(error, provider, model, false);
}

/**
 * As `convertAiSdkError`; once a stream is `open`, what breaks it other than an
 * API call error (a dropped connection, an `error` part) is a cut, retried.
 */
export function convertStreamedAiSdkError(
  error: unknown,
  provider: string,
  model: string,
  open: boolean,
): ProviderError | unknown {
  if (error instanceof Error && error.name === "AbortError") return error;
  if (_isMarked(error, "AI_LoadAPIKeyError")) {
    return new AuthenticationError("authentication", `${provider} (${model}): ${(error as Error).message}`, {
      provider,
      model,
      providerMessage: (error as Error).message,
      requestSent: false,
      cause: error,
    });
  }
  if (!_isMarked(error, "AI_APICallError")) {
    return open
      ? streamCut(provider, model, describeCause(error), error)
      : foreignProviderError(error, provider, model);
  }
  const apiError = error as Error & {
    readonly statusCode?: number;
    readonly isRetryable: boolean;
    readonly responseHeaders?: Record<string, string>;
  };
  const headers = apiError.responseHeaders;
  const header = (name: string) => (headers && Object.hasOwn(headers, name) ? (headers[name] ?? null) : null);
  const retryAfterMs = parseRetryAfterMs({ get: header });
  // OpenAI and most others send `x-request-id`, Anthropic `request-id`: what the provider's support asks for.
  const requestId = header("x-request-id") ?? header("request-id") ?? undefined;
  if (apiError.statusCode === undefined) {
    if (!apiError.isRetryable) return foreignProviderError(error, provider, model);
    return new TransientProviderError(
      "network",
      `${provider} (${model}) could not be reached: ${apiError.message}. The call is retried with backoff and a rerun retries it again.`,
      {
        provider,
        model,
        providerMessage: apiError.message,
        retryAfterMs,
        cause: error,
      },
    );
  }
  // A successful response the model could not read (a body cut off, or not JSON): retried, never an answer.
  if (apiError.statusCode < 400) {
    return open
      ? streamCut(provider, model, describeCause(error), error)
      : convertUnreadableResponse(new UnreadableResponse(apiError.message, { cause: error }), provider, model);
  }
  return providerError({
    provider,
    model,
    statusCode: apiError.statusCode,
    providerMessage: apiError.message,
    requestId,
    retryAfterMs,
    cause: error,
  });
}

// --- internal ---

function _isMarked(error: unknown, name: string): boolean {
  const marker = Symbol.for(`vercel.ai.error.${name}`);
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[marker] === true;
}
