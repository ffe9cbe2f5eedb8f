import { describe, expect, it } from "vitest";
import type { RunSummary } from "../dashboard/run-summary.js";
import { type RunStatus, runStatusOf, runUntilDone, type UntilDoneOptions } from "./run-until-done.js";

const pending: RunStatus = { done: false, progressed: false };
const moved: RunStatus = { done: false, progressed: true };
const done: RunStatus = { done: true, progressed: true };

/** Runs the loop over `statuses` (one per run) with a sleep that only records: no time passes. */
async function loop(statuses: readonly RunStatus[], options: Partial<UntilDoneOptions<number>> = {}) {
  const waits: number[] = [];
  const runs: number[] = [];
  const outcome = await runUntilDone(
    async (run) => {
      runs.push(run);
      const status = statuses[run - 1];
      if (!status) throw new Error(`run ${run} was not expected`);
      return { value: run * 10, status };
    },
    {
      pollInterval: 1000,
      maxPollInterval: 5000,
      sleep: async (ms) => {
        waits.push(ms);
      },
      ...options,
    },
  );
  return { ...outcome, waits, runs };
}

describe("runUntilDone", () => {
  it("runs until a run reports nothing pending, numbering runs from 1 and returning the last run's value", async () => {
    const outcome = await loop([moved, moved, done]);
    expect(outcome).toMatchObject({ runs: [1, 2, 3], last: 30, end: { reason: "done" } });
    expect(outcome.waits).toEqual([1000, 1000]);
  });

  it("doubles the wait while nothing moves, up to the longest wait, and starts short again after progress", async () => {
    const outcome = await loop([pending, pending, pending, pending, moved, pending, done]);
    expect(outcome.waits).toEqual([1000, 2000, 4000, 5000, 1000, 2000]);
  });

  it("counts as progress a run that got more answers than the run before (another worker stored them)", async () => {
    const answered = (count: number): RunStatus => ({ done: false, progressed: false, answered: count });
    const outcome = await loop([
      { ...moved, answered: 5 },
      answered(10),
      answered(30),
      answered(30),
      answered(30),
      answered(40),
      done,
    ]);
    expect(outcome.waits).toEqual([1000, 1000, 1000, 2000, 4000, 1000]);
  });

  it("stops on a run's stop reason, even when that run also finished", async () => {
    const stop = { kind: "failed-for-good", message: "2 call(s) failed for good" };
    const outcome = await loop([moved, { done: true, progressed: true, stop }]);
    expect(outcome).toMatchObject({ runs: [1, 2], last: 20, end: { reason: "stopped", stop } });
    expect(outcome.waits).toEqual([1000]);
  });

  it("stops after maxRuns with work still pending", async () => {
    const outcome = await loop([pending, pending, pending], { maxRuns: 2 });
    expect(outcome).toMatchObject({ runs: [1, 2], end: { reason: "max-runs" } });
    expect(outcome.waits).toEqual([1000]);
  });

  it("ends on an interruption during a run (before reading its status) or during a wait", async () => {
    let signalled = false;
    const duringRun = await loop([{ done: false, progressed: false, stop: { kind: "x", message: "y" } }], {
      interrupted: () => true,
    });
    expect(duringRun).toMatchObject({ runs: [1], end: { reason: "interrupted", during: "run" } });

    const duringWait = await loop([pending, pending], {
      interrupted: () => signalled,
      sleep: async () => {
        signalled = true;
      },
    });
    expect(duringWait).toMatchObject({ runs: [1], end: { reason: "interrupted", during: "wait" } });
  });

  it("tells onWait each wait before it starts: the run, its value, the wait", async () => {
    const told: unknown[] = [];
    await loop([pending, moved, done], { onWait: (wait) => told.push(wait) });
    expect(told).toEqual([
      { run: 1, last: 10, waitMs: 1000 },
      { run: 2, last: 20, waitMs: 1000 },
    ]);
  });
});

describe("runStatusOf", () => {
  const summary = (parts: {
    received?: number;
    replayed?: number;
    ingestedAnswers?: number;
    submitted?: RunSummary["batches"]["submitted"];
    pending?: number;
    halted?: number;
    failedForGood?: number;
  }) =>
    ({
      received: parts.received ?? 0,
      replayed: parts.replayed ?? 0,
      halted: parts.halted ?? 0,
      failedForGood: parts.failedForGood ?? 0,
      firstFailedForGood: parts.failedForGood ? 'agent "a" (openai/m): refused' : undefined,
      batches: {
        ingestedAnswers: parts.ingestedAnswers ?? 0,
        submitted: parts.submitted ?? [],
        pending: parts.pending ?? 0,
        failed: [],
      },
    }) as unknown as RunSummary;
  const batch = { provider: "openai", model: "m", tag: "t", requestCount: 3, inputPath: "x" };

  it("counts as progress answers stored (sent or from batches) or calls submitted for the first time", () => {
    expect(runStatusOf(summary({ received: 1, replayed: 4, pending: 1 }))).toEqual({
      done: false,
      progressed: true,
      answered: 5,
      stop: undefined,
    });
    expect(runStatusOf(summary({ ingestedAnswers: 2, halted: 1 })).progressed).toBe(true);
    const submitted = [{ ...batch, providerBatchId: "b1", resubmitted: 0 }];
    expect(runStatusOf(summary({ submitted, pending: 1 })).progressed).toBe(true);
    // Calls that failed before and go again, or a batch that was not created, are not progress.
    const again = [{ ...batch, providerBatchId: "b2", resubmitted: 3 }];
    expect(runStatusOf(summary({ submitted: again, pending: 1 })).progressed).toBe(false);
    const refused = [{ ...batch, providerBatchId: undefined, resubmitted: 0 }];
    expect(runStatusOf(summary({ submitted: refused })).progressed).toBe(false);
  });

  it("is done with no batch pending and no agent halted; stops on calls failed for good", () => {
    expect(runStatusOf(summary({})).done).toBe(true);
    expect(runStatusOf(summary({ pending: 1 })).done).toBe(false);
    expect(runStatusOf(summary({ halted: 1 })).done).toBe(false);
    expect(runStatusOf(summary({ failedForGood: 2 })).stop).toMatchObject({ kind: "failed-for-good" });
  });
});
