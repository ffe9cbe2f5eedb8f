import { describe, expect, it } from "vitest";
import { BatchFailedError, FailedCallsError, InputError } from "../core/errors.js";
import type { RunSummary } from "../dashboard/run-summary.js";
import type { ParallellmOptions } from "../parallellm-options.js";
import { createMemoryStore } from "../testing/memory-store.js";
import { runPipeline } from "./run-pipeline.js";

/** A summary with what the run-until-done rules read; the rest does not matter here. */
function summary(parts: { pending?: number; failedBatch?: string; failedForGood?: number }): RunSummary {
  return {
    received: 0,
    halted: 0,
    failedForGood: parts.failedForGood ?? 0,
    firstFailedForGood: parts.failedForGood ? 'agent "a" (openai/m): refused' : undefined,
    batches: {
      ingestedAnswers: 0,
      submitted: [],
      pending: parts.pending ?? 0,
      failed: parts.failedBatch ? [{ tag: "pllm-s1-x-0", message: parts.failedBatch }] : [],
    },
  } as unknown as RunSummary;
}

/** Opens a fake workspace per run whose close returns the next of `summaries`; records each run's options. */
function workspaces(summaries: readonly RunSummary[]) {
  const opened: ParallellmOptions[] = [];
  const open = async (options: ParallellmOptions) => {
    opened.push(options);
    const run = opened.length;
    return { run, close: async () => summaries[run - 1] };
  };
  return { open, opened };
}

describe("runPipeline", () => {
  it("runs once without untilDone, whatever is pending", async () => {
    const { open, opened } = workspaces([summary({ pending: 1 })]);
    const outcome = await runPipeline(open, { retryFailed: true }, async (workspace) => workspace.run, {});
    expect(outcome).toMatchObject({ result: 1, runs: 1 });
    expect(opened).toEqual([{ retryFailed: true }]);
  });

  it("with untilDone, runs until nothing is pending; only the first run sends failed calls again", async () => {
    const { open, opened } = workspaces([summary({ pending: 1 }), summary({ pending: 1 }), summary({})]);
    const waits: number[] = [];
    const outcome = await runPipeline(open, { retryFailed: true }, async (workspace) => workspace.run, {
      untilDone: true,
      pollInterval: 1,
      maxPollInterval: 2,
      onWait: (_summary, waitMs) => waits.push(waitMs),
    });
    expect(outcome).toMatchObject({ result: 3, runs: 3 });
    expect(opened.map((options) => options.retryFailed)).toEqual([true, false, false]);
    expect(waits).toEqual([1, 2]);
  });

  it("with untilDone, a store passed in serves every run and is closed once, after the last", async () => {
    const store = createMemoryStore();
    const closedDuring: number[] = [];
    let closes = 0;
    store.close = async () => {
      closes++;
    };
    const summaries = [summary({ pending: 1 }), summary({})];
    let run = 0;
    const open = async (options: ParallellmOptions) => {
      // As Parallellm does: a session at open, the store closed with the workspace.
      const session = await options.store!.beginSession({ strategy: "batch", pid: 1, startedAt: 0 });
      return {
        session,
        close: async () => {
          await options.store!.close();
          closedDuring.push(closes);
          return summaries[run++]!;
        },
      };
    };
    const outcome = await runPipeline(open, { store }, async (workspace) => workspace.session, {
      untilDone: true,
      pollInterval: 1,
      maxPollInterval: 1,
    });
    expect(outcome).toMatchObject({ result: 2, runs: 2 });
    expect(closedDuring).toEqual([0, 0]);
    expect(closes).toBe(1);
  });

  it("closes the workspace when the pipeline throws, and passes the error on", async () => {
    let closed = 0;
    const open = async () => ({
      close: async () => {
        closed++;
        return summary({});
      },
    });
    const failing = async () => {
      throw new Error("pipeline bug");
    };
    await expect(runPipeline(open, {}, failing, { untilDone: true })).rejects.toThrow("pipeline bug");
    expect(closed).toBe(1);
  });

  it("ends untilDone with BatchFailedError or FailedCallsError naming what failed", async () => {
    const batchFailed = workspaces([summary({ failedBatch: "invalid_json_line" })]);
    await expect(runPipeline(batchFailed.open, {}, async () => 0, { untilDone: true })).rejects.toThrow(
      BatchFailedError,
    );
    const callsFailed = workspaces([summary({ failedForGood: 2 })]);
    const error = await runPipeline(callsFailed.open, {}, async () => 0, { untilDone: true }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(FailedCallsError);
    expect((error as Error).message).toMatch(/^2 call\(s\) failed for good/);
  });

  it("refuses bad run options before opening anything", async () => {
    const { open, opened } = workspaces([]);
    await expect(runPipeline(open, {}, async () => 0, { pollIntervall: 5 } as never)).rejects.toThrow(InputError);
    expect(opened).toEqual([]);
  });
});
