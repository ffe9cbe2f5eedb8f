/**
 * An OpenAI Batch object's `status` → the neutral batch state, with its counts
 * and, for a failed batch, why.
 *
 * @see https://platform.openai.com/docs/api-reference/batch/object
 */
import type OpenAI from "openai";
import type { BatchStatus } from "../provider.js";

/**
 * `validating`, `in_progress`, `finalizing`, `cancelling` (and any status
 * newer than this code) are in progress; `completed`, `failed`, `expired`,
 * `cancelled` are final. `finished` counts completed and failed requests.
 */
export function mapOpenAIBatchStatus(batch: Pick<OpenAI.Batch, "status" | "request_counts" | "errors">): BatchStatus {
  const counts = batch.request_counts;
  const total = counts?.total;
  const finished = counts ? counts.completed + counts.failed : undefined;
  switch (batch.status) {
    case "completed":
    case "expired":
    case "cancelled":
      return { state: batch.status, total, finished };
    case "failed":
      return { state: "failed", total, finished, message: _failureMessage(batch.errors) };
    default:
      return { state: "in-progress", total, finished };
  }
}

// --- internal ---

function _failureMessage(errors: OpenAI.Batch["errors"]): string {
  const data = errors?.data ?? [];
  if (data.length === 0) return "OpenAI reports the batch as failed without saying why.";
  return data
    .map((error) => {
      const where = error.line === undefined || error.line === null ? "" : `line ${error.line}: `;
      return `${where}${error.message ?? "no message"} (${error.code ?? "no code"})`;
    })
    .join("; ");
}
