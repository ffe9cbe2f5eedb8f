/**
 * A fake Gemini batch as the `Operation` the Batch API returns
 * (fixtures `gemini.batch_*` in provider-payloads.json; providers.md §3.1):
 * state in `metadata.state`, counts as int64 strings, RFC 3339 times with
 * nanoseconds, and the inline output both in `response` and in
 * `metadata.output` (where @google/genai reads it).
 */
import type { BatchBook, FakeBatch, FakeBatchItem, FakeBatchState } from "./batch-book.js";
import { geminiError } from "./gemini-respond.js";
import type { ProviderFailure } from "./provider-routes.js";

/** What the create route keeps in `FakeBatch.details` for a Gemini batch. */
export interface GeminiBatchDetails {
  /** What the batch runs, as its Operation's `@type` names it (output: `<kind>Output`). */
  readonly kind: "GenerateContentBatch" | "EmbedContentBatch";
  /** `models/<model>` */
  readonly model: string;
  readonly displayName: string | undefined;
  /** Each request's `metadata`, in input order (`undefined` when it sent none). */
  readonly metadata: readonly (Record<string, unknown> | undefined)[];
}

/**
 * The Operation for `batch` in its current state (no poll is counted). The
 * list endpoint passes `withOutput: false`: it leaves the inlined responses out.
 */
export function renderBatchOperation(
  book: BatchBook,
  batch: FakeBatch,
  options: { readonly withOutput: boolean },
): Record<string, unknown> {
  const details = batch.details as unknown as GeminiBatchDetails;
  const state = book.state(batch);
  const processed = book.processed(batch);
  const output = _output(state, processed, details);
  const updatedAt = batch.endedAt ?? batch.createdAt;
  const metadata: Record<string, unknown> = {
    "@type": `${typePrefix}${details.kind}`,
    model: details.model,
    ...(details.displayName === undefined ? {} : { displayName: details.displayName }),
    ...(output && options.withOutput ? { output } : {}),
    createTime: _rfc3339Nanos(batch.createdAt),
    ...(batch.endedAt === undefined ? {} : { endTime: _rfc3339Nanos(batch.endedAt) }),
    updateTime: _rfc3339Nanos(updatedAt),
    // An expired batch gives no results (providers.md §3.1): nothing counts as processed.
    batchStats: _stats(state === "expired" ? processed.map(({ item }) => ({ item, processed: false })) : processed),
    state: _wireState(state, batch.polls),
    name: batch.id,
  };
  return {
    name: batch.id,
    metadata,
    ...(state === "in-progress" ? {} : { done: true }),
    ...(output && options.withOutput
      ? {
          response: {
            "@type": `${typePrefix}${details.kind}Output`,
            ...output,
          },
        }
      : {}),
    ...(state === "failed" || (state === "cancelled" && !output) ? { error: _operationError(state) } : {}),
  };
}

/**
 * A failed request's outcome: an inline result carries a google.rpc.Status,
 * the error body without its details.
 */
export function failedInlineOutcome(failure: ProviderFailure): FakeBatchItem["outcome"] {
  const { code, message, status } = (geminiError(failure).body as { error: Record<string, unknown> }).error;
  return { status: failure.status, body: { code, message, status } };
}

// --- internal ---

const typePrefix = "type.googleapis.com/google.ai.generativelanguage.v1main.";

/** RFC 3339 with nanoseconds, as Google's APIs write timestamps: `2025-12-03T17:23:06.004000000Z`. */
function _rfc3339Nanos(milliseconds: number): string {
  return new Date(milliseconds).toISOString().replace(/Z$/, "000000Z");
}

type Processed = ReturnType<BatchBook["processed"]>;

/**
 * Inline output in input order. A cancelled batch keeps what it processed;
 * an expired one has no results at all (providers.md §3.1), nor has a failed one.
 */
function _output(
  state: FakeBatchState,
  processed: Processed,
  details: GeminiBatchDetails,
): { readonly inlinedResponses: { readonly inlinedResponses: unknown[] } } | undefined {
  if (state !== "completed" && state !== "cancelled") return undefined;
  const answered = processed.flatMap(({ item, processed: done }, index) =>
    done ? [_inlinedResponse(item, details.metadata[index])] : [],
  );
  // An Operation carries a response or an error, never both: a batch cancelled
  // before it answered anything ends with the cancellation error instead.
  if (state === "cancelled" && answered.length === 0) return undefined;
  return { inlinedResponses: { inlinedResponses: answered } };
}

function _inlinedResponse(item: FakeBatchItem, metadata: Record<string, unknown> | undefined): unknown {
  const echoed = metadata === undefined ? {} : { metadata };
  if (item.outcome.status === 200) return { response: item.outcome.body, ...echoed };
  return { error: item.outcome.body, ...echoed };
}

/** `batchStats`: int64 counts as strings, zero counts left out (proto3 JSON). */
function _stats(processed: Processed): Record<string, string> {
  const counts = {
    requestCount: processed.length,
    pendingRequestCount: processed.filter((entry) => !entry.processed).length,
    successfulRequestCount: processed.filter((entry) => entry.processed && entry.item.outcome.status === 200).length,
    failedRequestCount: processed.filter((entry) => entry.processed && entry.item.outcome.status !== 200).length,
  };
  return Object.fromEntries(
    Object.entries(counts)
      .filter(([, count]) => count > 0)
      .map(([name, count]) => [name, String(count)]),
  );
}

/** Pending until the first status poll, running after it. */
function _wireState(state: FakeBatchState, polls: number): string {
  switch (state) {
    case "in-progress":
      return polls === 0 ? "BATCH_STATE_PENDING" : "BATCH_STATE_RUNNING";
    case "completed":
      return "BATCH_STATE_SUCCEEDED";
    case "failed":
      return "BATCH_STATE_FAILED";
    case "cancelled":
      return "BATCH_STATE_CANCELLED";
    case "expired":
      return "BATCH_STATE_EXPIRED";
  }
}

/**
 * The Operation `error` (a google.rpc.Status with a gRPC code) of a failed
 * batch, or of one cancelled before it answered anything. An expired batch
 * has neither error nor response (fixture `batch_status_expired`).
 */
function _operationError(state: FakeBatchState): { readonly code: number; readonly message: string } {
  if (state === "cancelled") return { code: 1, message: "Batch was cancelled." };
  return { code: 13, message: "Batch failed: an internal error occurred (simulated by the fake server)." };
}
