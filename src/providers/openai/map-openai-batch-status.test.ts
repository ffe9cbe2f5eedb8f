import type OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { providerPayloads } from "../../../test/fixtures/provider-payloads.js";
import { mapOpenAIBatchStatus } from "./map-openai-batch-status.js";

const fixtures = (providerPayloads as { openai: Record<string, { body: OpenAI.Batch }> }).openai;

describe("mapOpenAIBatchStatus", () => {
  it("maps the recorded batch objects", () => {
    expect(mapOpenAIBatchStatus(fixtures["batch_create_response_validating"].body)).toEqual({
      state: "in-progress",
      total: 0,
      finished: 0,
    });
    expect(mapOpenAIBatchStatus(fixtures["batch_status_in_progress"].body)).toEqual({
      state: "in-progress",
      total: 100,
      finished: 42,
    });
    expect(mapOpenAIBatchStatus(fixtures["batch_status_cancelling"].body).state).toBe("in-progress");
    expect(mapOpenAIBatchStatus(fixtures["batch_status_completed"].body)).toEqual({
      state: "completed",
      total: 100,
      finished: 100,
    });
    expect(mapOpenAIBatchStatus(fixtures["batch_status_completed_all_failed"].body).state).toBe("completed");
    expect(mapOpenAIBatchStatus(fixtures["batch_status_expired"].body).state).toBe("expired");
    expect(mapOpenAIBatchStatus(fixtures["batch_status_failed_validation"].body)).toEqual({
      state: "failed",
      total: 0,
      finished: 0,
      message: "line 1: This line is not parseable as valid JSON. (invalid_json_line)",
    });
  });

  it("treats finalizing and statuses it does not know as in progress", () => {
    const base = fixtures["batch_status_in_progress"].body;
    expect(mapOpenAIBatchStatus({ ...base, status: "finalizing" }).state).toBe("in-progress");
    expect(mapOpenAIBatchStatus({ ...base, status: "paused" as never }).state).toBe("in-progress");
    expect(mapOpenAIBatchStatus({ ...base, status: "cancelled" }).state).toBe("cancelled");
  });

  it("says so when a failed batch gives no reason, and leaves out counts it lacks", () => {
    const failed = { status: "failed", errors: undefined, request_counts: undefined } as const;
    expect(mapOpenAIBatchStatus(failed)).toEqual({
      state: "failed",
      total: undefined,
      finished: undefined,
      message: "OpenAI reports the batch as failed without saying why.",
    });
  });
});
