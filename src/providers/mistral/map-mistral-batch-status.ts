/**
 * A Mistral batch job's `status` → the neutral batch state, with its counts
 * and, for a failed job, why.
 *
 * @see https://docs.mistral.ai/api/endpoint/batch
 */
import type { BatchStatus } from "../provider.js";

/** The fields of a batch job this reads. */
export interface MistralBatchJob {
  readonly id: string;
  readonly status: string;
  readonly model?: string | null | undefined;
  readonly endpoint?: string | undefined;
  readonly created_at: number;
  readonly output_file?: string | null | undefined;
  readonly error_file?: string | null | undefined;
  readonly metadata?: Readonly<Record<string, unknown>> | null | undefined;
  readonly errors?:
    | readonly { readonly message?: string | undefined; readonly count?: number | undefined }[]
    | undefined;
  readonly total_requests?: number | undefined;
  readonly completed_requests?: number | undefined;
}

/**
 * `QUEUED`, `RUNNING`, `CANCELLATION_REQUESTED` (and any status newer than
 * this code) are in progress; `SUCCESS` is completed, `FAILED` failed,
 * `TIMEOUT_EXCEEDED` expired, `CANCELLED` cancelled.
 */
export function mapMistralBatchStatus(job: MistralBatchJob): BatchStatus {
  const counts = { total: job.total_requests, finished: job.completed_requests };
  switch (job.status) {
    case "SUCCESS":
      return { state: "completed", ...counts };
    case "TIMEOUT_EXCEEDED":
      return { state: "expired", ...counts };
    case "CANCELLED":
      return { state: "cancelled", ...counts };
    case "FAILED":
      return { state: "failed", ...counts, message: _failureMessage(job.errors) };
    default:
      return { state: "in-progress", ...counts };
  }
}

// --- internal ---

function _failureMessage(errors: MistralBatchJob["errors"]): string {
  if (!errors || errors.length === 0) return "Mistral reports the batch job as failed without saying why.";
  return errors.map((error) => `${error.message ?? "no message"}${error.count ? ` (${error.count}×)` : ""}`).join("; ");
}
