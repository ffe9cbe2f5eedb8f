/**
 * Calls that failed for good are not sent again on their own: the provider
 * rejected the request (400-class, sent directly or inside a batch), or the
 * call failed inside `maxBatchFailures` batches (transient errors, expiry,
 * cancellation). A changed ask is a new call; `retryFailed` sends them again.
 */
import type { FailedCall } from "../store/store.js";
import { type ProviderError, type ProviderErrorKind, ProviderRequestError, TransientProviderError } from "./errors.js";

/** Every kind a recorded failure has: a provider error's, or how a batch left the call without a result. */
export const failureKinds: readonly string[] = [
  "request-rejected",
  "authentication",
  "rate-limited",
  "overloaded",
  "server",
  "network",
  "expired",
  "cancelled",
  "no-result",
  "batch-failed",
] satisfies readonly (ProviderErrorKind | "expired" | "cancelled" | "no-result" | "batch-failed")[];

/** Batches a call may fail in (transient per-request errors, expiry, cancellation) before it is given up. */
export const maxBatchFailures = 3;

/** How to send such calls again, for messages. */
export const retryAdvice =
  "send it again with retryFailed: true (pllm run --retry-failed), or mark it for the next run with pllm retry";

/** True when `failure` keeps its call from being sent again unless the user asks. */
export function isFailedForGood(failure: FailedCall): boolean {
  return failure.kind === "request-rejected" || failure.batchFailures >= maxBatchFailures;
}

/** The error an ask of a call that failed for good in an earlier run raises: what the provider said, and how to retry. */
export function failedForGoodError(failure: FailedCall): ProviderError {
  const where = `${failure.provider} (${failure.model})`;
  const said = _said(failure);
  const details = {
    provider: failure.provider,
    model: failure.model,
    statusCode: failure.statusCode,
    providerMessage: failure.message,
    requestId: failure.requestId,
  };
  if (failure.kind === "request-rejected") {
    return new ProviderRequestError(
      "request-rejected",
      `${where} rejected this request with ${said} (recorded by session ${failure.session}); it is not sent again until the ask changes. Fix the ask, or ${retryAdvice}.`,
      details,
    );
  }
  return new TransientProviderError(
    _transientKinds.includes(failure.kind as ProviderErrorKind) ? (failure.kind as ProviderErrorKind) : "server",
    `${where} failed on this request in ${failure.batchFailures} batches, the last time with ${said} (recorded by session ${failure.session}); it is not sent again on its own. Once the provider is well, ${retryAdvice}.`,
    details,
  );
}

/** `agent "x" (openai/gpt-4.1-mini): HTTP 400: message`, naming a failed call in summaries. */
export function describeFailedCall(failure: {
  readonly agent: string;
  readonly provider: string;
  readonly model: string;
  readonly statusCode: number | undefined;
  readonly message: string;
}): string {
  return `agent "${failure.agent}" (${failure.provider}/${failure.model}): ${_said(failure)}`;
}

// --- internal ---

const _transientKinds: readonly ProviderErrorKind[] = ["rate-limited", "overloaded", "server", "network"];

function _said(failure: { readonly statusCode: number | undefined; readonly message: string }): string {
  return failure.statusCode === undefined ? failure.message : `HTTP ${failure.statusCode}: ${failure.message}`;
}
