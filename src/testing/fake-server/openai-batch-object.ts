/**
 * The OpenAI Batch object and, once a batch has ended, its output and error
 * files (fixtures `openai.batch_status_*`, `openai.batch_result_line_*`).
 *
 * @see https://platform.openai.com/docs/api-reference/batch/object
 */
import { randomBytes } from "node:crypto";
import type { BatchBook, FakeBatch, FakeBatchState } from "./batch-book.js";
import type { OpenAIBatchError } from "./openai-batch-input.js";
import { saveOpenAIFile } from "./openai-files-routes.js";
import { wireIds } from "./wire-ids.js";

/** The wire statuses the fake server uses (`finalizing` is skipped). */
export type OpenAIBatchStatus =
  | "validating"
  | "in_progress"
  | "cancelling"
  | "completed"
  | "failed"
  | "expired"
  | "cancelled";

/** What the OpenAI routes keep in `FakeBatch.details`. */
export type OpenAIBatchDetails = {
  readonly endpoint: string;
  readonly completionWindow: string;
  readonly inputFileId: string;
  readonly model: string | undefined;
  readonly metadata: Readonly<Record<string, string>> | null;
  /** Set when the input file was rejected: the batch is `failed` with these. */
  readonly inputErrors: readonly OpenAIBatchError[] | undefined;
  /** Unix seconds of the cancel request. */
  cancellingAt: number | undefined;
  /** Written the first time the batch is seen ended; `null` when the file would be empty. */
  resultFiles: { readonly output: string | null; readonly error: string | null } | undefined;
};

/** The OpenAI details of a batch the OpenAI routes created. */
export function openaiDetailsOf(batch: FakeBatch): OpenAIBatchDetails {
  return batch.details as OpenAIBatchDetails;
}

/** The wire status for a batch in `state` (from `BatchBook.poll` or `.state`). */
export function openaiBatchStatus(batch: FakeBatch, state: FakeBatchState): OpenAIBatchStatus {
  if (state !== "in-progress") return state;
  return batch.polls === 0 ? "validating" : "in_progress";
}

/**
 * The Batch object. An ended batch gets its result files the first time it is
 * rendered, so their ids stay stable across polls.
 */
export function renderOpenAIBatch(batch: FakeBatch, book: BatchBook, status: OpenAIBatchStatus): unknown {
  const details = openaiDetailsOf(batch);
  const created = _seconds(batch.createdAt);
  const ended = batch.endedAt === undefined ? null : _seconds(batch.endedAt);
  const ran = status !== "validating" && details.inputErrors === undefined;
  const files = _ended(status) ? _resultFiles(batch, book, status) : undefined;
  // Counts stay 0 until the end; then every request not answered counts as failed (it is in the error file).
  const counted = _ended(status) && status !== "failed";
  const completed = counted
    ? book.processed(batch).filter(({ item, processed }) => processed && item.outcome.status < 400).length
    : 0;
  return {
    id: batch.id,
    object: "batch",
    endpoint: details.endpoint,
    model: details.model ?? null,
    errors: _errors(batch, status),
    input_file_id: details.inputFileId,
    completion_window: details.completionWindow,
    status,
    output_file_id: files?.output ?? null,
    error_file_id: files?.error ?? null,
    created_at: created,
    in_progress_at: ran ? created : null,
    expires_at: status === "validating" ? null : created + _windowSeconds(details.completionWindow),
    finalizing_at: status === "completed" || status === "expired" ? ended : null,
    completed_at: status === "completed" ? ended : null,
    failed_at: status === "failed" ? ended : null,
    expired_at: status === "expired" ? ended : null,
    cancelling_at: details.cancellingAt ?? null,
    cancelled_at: status === "cancelled" ? ended : null,
    request_counts: {
      total: details.inputErrors ? 0 : batch.items.length,
      completed,
      failed: counted ? batch.items.length - completed : 0,
    },
    metadata: details.metadata,
  };
}

// --- internal ---

const unprocessedErrors = {
  expired: {
    code: "batch_expired",
    message: "This request could not be executed before the completion window expired.",
  },
  cancelled: { code: "batch_cancelled", message: "This request was not executed because the batch was cancelled." },
};

function _ended(status: OpenAIBatchStatus): status is "completed" | "failed" | "expired" | "cancelled" {
  return status === "completed" || status === "failed" || status === "expired" || status === "cancelled";
}

function _errors(batch: FakeBatch, status: OpenAIBatchStatus): unknown {
  if (status !== "failed") return null;
  const details = openaiDetailsOf(batch);
  // Without input errors the batch failed by `setBatchBehavior({ outcome: "failed" })`: a quota refusal.
  const data = details.inputErrors ?? [
    {
      code: "token_limit_exceeded",
      line: null,
      message: `Enqueued token limit reached for ${details.model ?? "this model"}. Please try again once some in_progress batches have been completed.`,
      param: null,
    },
  ];
  return { object: "list", data };
}

/** Success lines to the output file, failures to the error file, each in a shuffled order. */
function _resultFiles(
  batch: FakeBatch,
  book: BatchBook,
  status: "completed" | "failed" | "expired" | "cancelled",
): { readonly output: string | null; readonly error: string | null } {
  const details = openaiDetailsOf(batch);
  if (details.resultFiles) return details.resultFiles;
  const output: string[] = [];
  const errors: string[] = [];
  if (status !== "failed") {
    for (const { item, processed } of book.processed(batch)) {
      const id = `batch_req_${randomBytes(16).toString("hex")}`;
      if (!processed) {
        const error = unprocessedErrors[status === "cancelled" ? "cancelled" : "expired"];
        errors.push(JSON.stringify({ id, custom_id: item.customId, response: null, error }));
        continue;
      }
      const { status: statusCode, body } = item.outcome;
      const response = { status_code: statusCode, request_id: wireIds.openaiRequest(), body };
      (statusCode < 400 ? output : errors).push(
        JSON.stringify({ id, custom_id: item.customId, response, error: null }),
      );
    }
  }
  const save = (lines: string[], kind: string): string | null =>
    lines.length === 0
      ? null
      : saveOpenAIFile(
          book,
          `${batch.id}_${kind}.jsonl`,
          "batch_output",
          Buffer.from(`${_shuffle(lines).join("\n")}\n`),
        ).id;
  details.resultFiles = { output: save(output, "output"), error: save(errors, "error") };
  return details.resultFiles;
}

/** The real API does not keep input order; neither do we, so clients must join on `custom_id`. */
function _shuffle<T>(values: T[]): T[] {
  for (let index = values.length - 1; index > 0; index--) {
    const other = Math.floor(Math.random() * (index + 1));
    [values[index], values[other]] = [values[other], values[index]];
  }
  return values;
}

/** `"24h"` → 86,400; `"7d"` → 604,800. */
function _windowSeconds(window: string): number {
  const amount = Number.parseInt(window, 10);
  return amount * (window.endsWith("d") ? 24 : 1) * 3600;
}

function _seconds(milliseconds: number): number {
  return Math.floor(milliseconds / 1000);
}
