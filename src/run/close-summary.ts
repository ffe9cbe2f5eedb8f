/** The summary a run ends with, assembled from what the run counted and what its strategy and batches reported. */
import type { BatchSyncReport } from "../batch/sync-batches.js";
import type { AgentState } from "../core/agent.js";
import { DriftError } from "../core/errors.js";
import type { RunStats, RunTally } from "../core/run-tally.js";
import { type SessionCost, sessionCost } from "../dashboard/cost-report.js";
import type { DriftReport, RunSummary } from "../dashboard/run-summary.js";
import type { ModelPrice } from "../providers/model-prices.js";
import type { Store } from "../store/store.js";
import type { StrategyReport } from "../strategies/strategy.js";
import { judgeDrift } from "./judge-drift.js";

/** What a closing run knows. */
export interface ClosingRun {
  readonly store: Store;
  readonly session: number;
  readonly strategy: string;
  readonly workspace: string;
  readonly startedAt: number;
  readonly tally: RunTally;
  readonly agents: ReadonlyMap<string, AgentState>;
  readonly interruptedBy: string | undefined;
  readonly prices: Readonly<Record<string, ModelPrice>>;
  /** What the batches of earlier runs gave at open. */
  readonly sync: BatchSyncReport | undefined;
  /** What the strategy did at close. */
  readonly report: StrategyReport;
}

/** The run's summary: its counts, whether it finished, its drift, its cost, its batches. */
export async function closeSummary(run: ClosingRun): Promise<RunSummary> {
  const { tally, sync, report } = run;
  const unfinished = unfinishedAgents(run.agents);
  const complete = isComplete(tally.stats, unfinished, run.interruptedBy);
  const submission = report.submission;
  const submitted = submission?.submitted ?? [];
  return {
    session: run.session,
    strategy: run.strategy,
    workspace: run.workspace,
    elapsedMs: Date.now() - run.startedAt,
    ...tally.stats,
    interruptedBy: run.interruptedBy,
    unfinishedAgents: unfinished,
    complete,
    firstFailedForGood: tally.firstFailedForGood,
    drift: await judgeDrift(run.store, run.session, tally, complete),
    dryRun: report.dryRun,
    cost: await runCost(run.store, run.session, tally, sync, run.prices),
    batches: {
      ingested: sync?.ingested ?? 0,
      ingestedAnswers: sync?.answers ?? 0,
      failedRequests: sync?.failures ?? 0,
      firstFailedRequest: sync?.firstFailure,
      unfinishedRequests: sync?.unfinished ?? 0,
      pending: (sync?.pending ?? 0) + submitted.filter((batch) => batch.providerBatchId !== undefined).length,
      submitted,
      takenElsewhere: submission?.takenElsewhere ?? 0,
      previewOnly: submission !== undefined && !submission.sent,
      failed: [
        ...(sync?.failedBatches ?? []),
        ...submitted.flatMap((batch) => (batch.rejected ? [{ tag: batch.tag, message: batch.error ?? "" }] : [])),
      ],
      warnings: sync?.warnings ?? [],
      estimate: submission?.preview ?? [],
    },
  };
}

/** `strict: true`: the error a drifted run throws after closing. */
export function strictDriftError(drift: DriftReport): DriftError {
  return new DriftError(
    `Strict replay failed: ${drift.staleAnswers} stored answers were not asked and ${drift.newCalls} calls were new. Restore the pipeline, or run without strict to accept the change.`,
  );
}

/** Agents still running when the workspace closed (their code was not awaited): how many, and the first few. */
function unfinishedAgents(agents: ReadonlyMap<string, AgentState>): RunSummary["unfinishedAgents"] {
  const names: string[] = [];
  let count = 0;
  for (const [name, state] of agents) {
    if (!state.running) continue;
    if (count++ < 5) names.push(name);
  }
  return { count, names };
}

/** Every agent finished: none halted, stopped on an error, was left running or was interrupted, and no call failed. */
function isComplete(
  stats: Readonly<RunStats>,
  unfinished: RunSummary["unfinishedAgents"],
  interruptedBy: string | undefined,
): boolean {
  return (
    stats.halted === 0 &&
    stats.failedAgents === 0 &&
    stats.failed === 0 &&
    unfinished.count === 0 &&
    interruptedBy === undefined
  );
}

/** The cost lines of the summary; the store is read only when this run paid for something. */
async function runCost(
  store: Store,
  session: number,
  tally: RunTally,
  sync: BatchSyncReport | undefined,
  prices: Readonly<Record<string, ModelPrice>>,
): Promise<SessionCost> {
  const paid = tally.stats.received > 0 || (sync?.answers ?? 0) > 0;
  return sessionCost(paid ? await store.usage(session) : [], tally.replayedSpend(), prices);
}
