/**
 * `Parallellm.run`: one run of a pipeline, or, with `untilDone`, runs until
 * nothing is pending (the loop `pllm run --wait` uses too).
 */
import { runStatusOf, runUntilDone } from "../batch/run-until-done.js";
import { BatchFailedError, FailedCallsError } from "../core/errors.js";
import type { RunSummary } from "../dashboard/run-summary.js";
import type { ParallellmOptions, RunOptions } from "../parallellm-options.js";
import { checkRunOptions } from "./check-open-options.js";
import { keepStoreOpen } from "./keep-store-open.js";

/** What `runPipeline` needs of a workspace: run the pipeline on it, then close it. */
export interface OpenedWorkspace {
  close(): Promise<RunSummary>;
}

/**
 * Opens a workspace with `open`, runs `pipeline` on it and closes it; with
 * `untilDone`, again and again until nothing is pending.
 *
 * @throws BatchFailedError or FailedCallsError when `untilDone` stops on batches that failed or calls that failed for good.
 */
export async function runPipeline<Workspace extends OpenedWorkspace, T>(
  open: (options: ParallellmOptions) => Promise<Workspace>,
  options: ParallellmOptions,
  pipeline: (workspace: Workspace) => Promise<T>,
  runOptions: RunOptions,
): Promise<{ readonly result: T; readonly summary: RunSummary; readonly runs: number }> {
  checkRunOptions(runOptions);
  // With untilDone, a store passed in serves every run: closed once, after the last.
  const given = runOptions.untilDone ? options.store : undefined;
  let each = given ? { ...options, store: keepStoreOpen(given) } : options;
  // Going until done, a sharded worker waits in the run for the other shards' answers rather than running again for them.
  if (runOptions.untilDone && options.shard && options.shard.wait === undefined) {
    each = { ...each, shard: { ...options.shard, wait: true } };
  }
  const runOnce = async (run: number) => {
    // Failed calls are sent again by the first run only: later runs would loop on them.
    const workspace = await open(run === 1 ? each : { ...each, retryFailed: false });
    let result: T;
    let summary: RunSummary;
    try {
      result = await pipeline(workspace);
    } finally {
      summary = await workspace.close();
    }
    return { value: { result, summary }, status: runStatusOf(summary) };
  };
  if (!runOptions.untilDone) return { ...(await runOnce(1)).value, runs: 1 };
  const { last, runs, end } = await runUntilDone(runOnce, {
    pollInterval: runOptions.pollInterval ?? 30_000,
    maxPollInterval: runOptions.maxPollInterval ?? 600_000,
    maxRuns: runOptions.maxRuns,
    onWait: ({ last, waitMs }) => runOptions.onWait?.(last.summary, waitMs),
  }).finally(() => given?.close());
  if (end.reason === "stopped") {
    throw end.stop.kind === "batch-failed"
      ? new BatchFailedError(end.stop.message)
      : new FailedCallsError(end.stop.message);
  }
  return { ...last, runs };
}
