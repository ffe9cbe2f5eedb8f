import { describe, expect, it } from "vitest";
import { type MistralBatchJob, mapMistralBatchStatus } from "./map-mistral-batch-status.js";

const job = (status: string, extra: Partial<MistralBatchJob> = {}): MistralBatchJob => ({
  id: "job-1",
  status,
  created_at: 1_700_000_000,
  total_requests: 10,
  completed_requests: 4,
  ...extra,
});

describe("mapMistralBatchStatus", () => {
  it("maps each documented status, with the counts", () => {
    const states = Object.fromEntries(
      ["QUEUED", "RUNNING", "CANCELLATION_REQUESTED", "SUCCESS", "TIMEOUT_EXCEEDED", "CANCELLED", "FAILED"].map(
        (status) => [status, mapMistralBatchStatus(job(status)).state],
      ),
    );
    expect(states).toEqual({
      QUEUED: "in-progress",
      RUNNING: "in-progress",
      CANCELLATION_REQUESTED: "in-progress",
      SUCCESS: "completed",
      TIMEOUT_EXCEEDED: "expired",
      CANCELLED: "cancelled",
      FAILED: "failed",
    });
    expect(mapMistralBatchStatus(job("RUNNING"))).toEqual({ state: "in-progress", total: 10, finished: 4 });
  });

  it("keeps a status newer than this code in progress rather than guessing it ended", () => {
    expect(mapMistralBatchStatus(job("PAUSED")).state).toBe("in-progress");
  });

  it("says why a job failed, from its errors", () => {
    expect(
      mapMistralBatchStatus(job("FAILED", { errors: [{ message: "Invalid JSON on line 3", count: 2 }] })),
    ).toMatchObject({
      message: "Invalid JSON on line 3 (2×)",
    });
    expect(mapMistralBatchStatus(job("FAILED", { errors: [] })).message).toContain("without saying why");
  });
});
