/**
 * openai SDK exceptions → classified `ProviderError`s. The adapter only
 * classifies; strategies decide about retries.
 *
 * @see https://platform.openai.com/docs/guides/error-codes
 */
import type * as OpenAISdk from "openai";
import { type ProviderError, providerError } from "../../core/errors.js";
import { parseRetryAfterMs } from "../shared/parse-retry-after.js";
import { isRecord } from "./json-record.js";
import { openaiDefaults } from "./openai-defaults.js";
import { openaiSdk } from "./openai-sdk.js";

/**
 * The `ProviderError` for an SDK `APIError` (status, the provider's message,
 * `x-request-id`, `retry-after-ms` / `retry-after`), with the SDK error as
 * `cause`. Connection errors and timeouts carry no status and classify as
 * network failures. Returns `undefined` for anything else — including an
 * abort through the caller's `signal` — which the caller rethrows unchanged.
 *
 * API keys echoed by the provider (401 "Incorrect API key provided: sk-...")
 * are masked in the message. `provider`: the name the provider is registered under;
 * `apiKeyVariable`: where its key comes from, for the advice on a 401.
 */
export function convertOpenAIError(
  error: unknown,
  model: string | undefined,
  provider: string = openaiDefaults.name,
  apiKeyVariable: string = openaiDefaults.apiKeyVariable,
): ProviderError | undefined {
  const sdk = openaiSdk.loaded;
  if (!sdk || !(error instanceof sdk.APIError) || error instanceof sdk.APIUserAbortError) return undefined;
  const statusCode = typeof error.status === "number" ? error.status : undefined;
  return providerError({
    provider,
    model,
    apiKeyVariable,
    statusCode,
    providerMessage: _providerMessage(error, statusCode),
    requestId: error.requestID ?? undefined,
    retryAfterMs: parseRetryAfterMs(error.headers),
    cause: error,
  });
}

// --- internal ---

const _maxMessageLength = 1000;

function _providerMessage(error: InstanceType<typeof OpenAISdk.APIError>, statusCode: number | undefined): string {
  const body = error.error;
  let message: string;
  if (isRecord(body) && typeof body["message"] === "string") {
    message = body["message"];
  } else {
    // No JSON error body (a proxy's HTML page, a connection failure): the SDK's
    // message is "<status> <text>"; drop the status, the error says it already.
    const prefix = statusCode === undefined ? "" : `${statusCode} `;
    message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    if (statusCode === undefined && error.cause instanceof Error && error.cause.message) {
      message = `${message} (${error.cause.message})`;
    }
  }
  message = _maskKeys(message);
  return message.length > _maxMessageLength ? `${message.slice(0, _maxMessageLength)}…` : message;
}

/** `sk-...` tokens, even half-masked ones, become `sk-***`. */
function _maskKeys(text: string): string {
  return text.replace(/\bsk-[A-Za-z0-9_*-]{3,}/g, "sk-***");
}
