import { expect, it } from "vitest";
import { mapGeminiBatchState } from "./map-gemini-batch-state.js";

it.each([
  ["JOB_STATE_PENDING", "in-progress"],
  ["JOB_STATE_QUEUED", "in-progress"],
  ["JOB_STATE_RUNNING", "in-progress"],
  ["JOB_STATE_SUCCEEDED", "completed"],
  ["JOB_STATE_FAILED", "failed"],
  ["JOB_STATE_CANCELLED", "cancelled"],
  ["JOB_STATE_EXPIRED", "expired"],
  ["BATCH_STATE_SUCCEEDED", "completed"],
  ["BATCH_STATE_EXPIRED", "expired"],
] as const)("maps %s to %s", (raw, state) => {
  expect(mapGeminiBatchState(raw)).toEqual({ state });
});

it("keeps an unknown or missing state in progress and names it", () => {
  expect(mapGeminiBatchState("JOB_STATE_PAUSED")).toEqual({
    state: "in-progress",
    message: 'Unknown Gemini batch state "JOB_STATE_PAUSED".',
  });
  expect(mapGeminiBatchState(undefined)).toEqual({
    state: "in-progress",
    message: "Unknown Gemini batch state undefined.",
  });
});
