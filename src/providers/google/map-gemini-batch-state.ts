import type { BatchStatus } from "../provider.js";

/**
 * A Gemini batch state → the neutral batch status. @google/genai renames the
 * API's `BATCH_STATE_*` to `JOB_STATE_*` and passes unknown strings through,
 * so both spellings are read. An unknown or missing state counts as still in
 * progress, with the raw value in `message`, so a new state never ends a
 * batch early.
 *
 * @see https://ai.google.dev/api/batch-mode#BatchState
 */
export function mapGeminiBatchState(state: string | undefined): BatchStatus {
  switch (state?.replace(/^(JOB|BATCH)_STATE_/, "")) {
    case "PENDING":
    case "QUEUED":
    case "RUNNING":
      return { state: "in-progress" };
    case "SUCCEEDED":
      return { state: "completed" };
    case "FAILED":
      return { state: "failed" };
    case "CANCELLED":
      return { state: "cancelled" };
    case "EXPIRED":
      return { state: "expired" };
    default:
      return { state: "in-progress", message: `Unknown Gemini batch state ${JSON.stringify(state)}.` };
  }
}
