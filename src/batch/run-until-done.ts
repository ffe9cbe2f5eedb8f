/**
 * Run until done: run again and again, waiting with backoff between runs,
 * until nothing is pending. The one loop behind `Parallellm.run({ untilDone })`
 * and `pllm run --wait`, so both reset, back off and stop by the same rules.
 */
import { isFinished, madeProgress, type RunSummary, stopReason } from "../dashboard/run-summary.js";

/** What one run tells the loop. */
export interface RunStatus {
  /** Nothing is pending: no batch at the provider, no agent halted. */
  readonly done: boolean;
  /** Answers were stored or calls went into a batch for the first time: the next wait starts short again. */
  readonly progressed: boolean;
  /**
   * Asks this run got an answer for (replayed or received). More than the run before got
   * is progress too: other workers of a shared store stored answers meanwhile.
   */
  readonly answered?: number | undefined;
  /** Why running again cannot help although work may be left (batches failed, calls failed for good...). */
  readonly stop?: { readonly kind: string; readonly message: string } | undefined;
}

export interface UntilDoneOptions<T> {
  /** The first wait between runs, in milliseconds, and the wait after each run that made progress. */
  readonly pollInterval: number;
  /** The longest wait: waits double while nothing moves, up to this. */
  readonly maxPollInterval: number;
  /** Stop after this many runs even if something is pending. */
  readonly maxRuns?: number | undefined;
  /** Waits `ms` milliseconds; may resolve sooner when `interrupted` turns true. @default a timer */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  /** Asked after each run and each wait: true ends the loop (a signal came). */
  readonly interrupted?: (() => boolean) | undefined;
  /** Told before each wait: the run just done (1 for the first), what it returned, and how long the wait is. */
  readonly onWait?: ((wait: { readonly run: number; readonly last: T; readonly waitMs: number }) => void) | undefined;
}

/** Why the loop ended. */
export type UntilDoneEnd =
  | { readonly reason: "done" | "max-runs" }
  | { readonly reason: "stopped"; readonly stop: NonNullable<RunStatus["stop"]> }
  | { readonly reason: "interrupted"; readonly during: "run" | "wait" };

/** One run's status, by the rules every run-until-done loop shares. */
export function runStatusOf(summary: RunSummary): RunStatus {
  return {
    done: isFinished(summary),
    progressed: madeProgress(summary),
    answered: summary.replayed + summary.received,
    stop: stopReason(summary),
  };
}

/**
 * Calls `runOnce(run)` (run 1, 2, ...) until a run reports nothing pending, a
 * reason to stop, `maxRuns` runs, or an interruption. A run's `stop` wins over
 * `done`: a run that stored its last answers but left failures behind ends stopped.
 *
 * @example
 * const { last, end } = await runUntilDone(async (run) => ({ value: run, status: await once(run) }), {
 *   pollInterval: 30_000,
 *   maxPollInterval: 600_000,
 * });
 */
export async function runUntilDone<T>(
  runOnce: (run: number) => Promise<{ readonly value: T; readonly status: RunStatus }>,
  options: UntilDoneOptions<T>,
): Promise<{ readonly last: T; readonly runs: number; readonly end: UntilDoneEnd }> {
  const sleep = options.sleep ?? _sleep;
  const interrupted = options.interrupted ?? (() => false);
  let waitMs: number | undefined;
  let answeredBefore: number | undefined;
  for (let run = 1; ; run++) {
    const { value: last, status } = await runOnce(run);
    const ended = (end: UntilDoneEnd) => ({ last, runs: run, end });
    if (interrupted()) return ended({ reason: "interrupted", during: "run" });
    if (status.stop) return ended({ reason: "stopped", stop: status.stop });
    if (status.done) return ended({ reason: "done" });
    if (options.maxRuns !== undefined && run >= options.maxRuns) return ended({ reason: "max-runs" });
    // Short after a run that moved (this worker's answers, or more answers than the run before had:
    // another worker's); doubled while nothing moves.
    const othersProgressed =
      status.answered !== undefined && answeredBefore !== undefined && status.answered > answeredBefore;
    answeredBefore = status.answered;
    waitMs =
      waitMs === undefined || status.progressed || othersProgressed
        ? options.pollInterval
        : Math.min(waitMs * 2, options.maxPollInterval);
    options.onWait?.({ run, last, waitMs });
    await sleep(waitMs);
    if (interrupted()) return ended({ reason: "interrupted", during: "wait" });
  }
}

// --- internal ---

function _sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
