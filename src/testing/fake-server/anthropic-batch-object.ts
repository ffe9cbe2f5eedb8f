/**
 * The wire shapes of a fake Anthropic batch: the MessageBatch object and the
 * result lines (fixtures `anthropic.batch_*` in provider-payloads.json).
 */
import { anthropicError } from "./anthropic-respond.js";
import type { BatchBook, FakeBatch, FakeBatchState } from "./batch-book.js";

/** What the Anthropic routes keep in `FakeBatch.details`. */
export interface AnthropicBatchDetails {
  /** The order of the result lines (indexes into `items`): Anthropic does not keep input order. */
  readonly resultOrder: readonly number[];
  /** Set by the first cancel request, in milliseconds since the epoch. */
  cancelInitiatedAt?: number;
}

/** One request's `result`, as in a line of the results file. */
export type AnthropicBatchResult =
  | { readonly type: "succeeded"; readonly message: unknown }
  | { readonly type: "errored"; readonly error: unknown }
  | { readonly type: "canceled" }
  | { readonly type: "expired" };

const dayMs = 24 * 60 * 60 * 1000;

/** The MessageBatch object for `batch` in `state` (computed by the caller, so a poll counts once). */
export function renderMessageBatch(book: BatchBook, batch: FakeBatch, state: FakeBatchState, origin: string): unknown {
  const ended = state !== "in-progress";
  const details = batch.details as unknown as AnthropicBatchDetails;
  return {
    id: batch.id,
    type: "message_batch",
    processing_status: ended ? "ended" : batch.cancelRequested ? "canceling" : "in_progress",
    request_counts: ended ? _counts(anthropicBatchResults(book, batch)) : _processing(batch.items.length),
    ended_at: ended && batch.endedAt !== undefined ? _time(batch.endedAt) : null,
    created_at: _time(batch.createdAt),
    expires_at: _time(batch.createdAt + dayMs),
    archived_at: null,
    cancel_initiated_at: details.cancelInitiatedAt === undefined ? null : _time(details.cancelInitiatedAt),
    results_url: ended ? `${origin}/v1/messages/batches/${batch.id}/results` : null,
  };
}

/**
 * Each request's result, in input order, once the batch has ended. A batch
 * ended as `failed` (no Anthropic equivalent) has every request errored with
 * `api_error`; requests not processed before an expiry or a cancellation are
 * `expired` or `canceled`.
 */
export function anthropicBatchResults(book: BatchBook, batch: FakeBatch): AnthropicBatchResult[] {
  const state = book.state(batch);
  if (state === "failed") {
    return batch.items.map(() => ({ type: "errored", error: anthropicError({ status: 500 }).body }));
  }
  return book.processed(batch).map(({ item, processed }): AnthropicBatchResult => {
    if (!processed) return { type: state === "expired" ? "expired" : "canceled" };
    return item.outcome.status === 200
      ? { type: "succeeded", message: item.outcome.body }
      : { type: "errored", error: item.outcome.body };
  });
}

/** The results file: one `{custom_id, result}` line per request, in the batch's shuffled order. */
export function renderResultsJsonl(book: BatchBook, batch: FakeBatch): Buffer {
  const results = anthropicBatchResults(book, batch);
  const order = (batch.details as unknown as AnthropicBatchDetails).resultOrder;
  const lines = order.map((index) =>
    JSON.stringify({ custom_id: batch.items[index].customId, result: results[index] }),
  );
  return Buffer.from(`${lines.join("\n")}\n`, "utf8");
}

/** A random permutation of `0..count-1`. */
export function shuffledOrder(count: number): number[] {
  const order = Array.from({ length: count }, (_, index) => index);
  for (let index = count - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [order[index], order[other]] = [order[other], order[index]];
  }
  return order;
}

// --- internal ---

function _time(milliseconds: number): string {
  return new Date(milliseconds).toISOString();
}

function _processing(count: number): Record<string, number> {
  return { processing: count, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
}

function _counts(results: readonly AnthropicBatchResult[]): Record<string, number> {
  const counts = _processing(0);
  for (const result of results) counts[result.type] = (counts[result.type] ?? 0) + 1;
  return counts;
}
