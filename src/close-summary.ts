/** The summary a run ends with, assembled from what the run counted and what its strategy and batches reported. */
import type { BatchSyncReport } from "./batch/sync-batches.js";
import type { AgentState } from "./core/agent.js";
import type { RunStats } from "./core/run-tally.js";
import type { SessionCost } from "./dashboard/cost-report.js";
import type { DriftReport, RunSummary } from "./dashboard/run-summary.js";
import type { StrategyReport } from "./strategies/strategy.js";

export interface SummaryParts {
  readonly session: number;
  readonly strategy: string;
  readonly workspace: string;
  readonly elapsedMs: number;
  readonly stats: Readonly<RunStats>;
  readonly firstFailedForGood: string | undefined;
  readonly interruptedBy: string | undefined;
  readonly unfinishedAgents: RunSummary["unfinishedAgents"];
  readonly complete: boolean;
  readonly drift: DriftReport;
  readonly cost: SessionCost;
  /** What the batches of earlier runs gave at open. */
  readonly sync: BatchSyncReport | undefined;
  /** What the strategy did at close. */
  readonly report: StrategyReport;
}

/** Agents still running when the workspace closed (their code was not awaited): how many, and the first few. */
export function unfinishedAgents(agents: ReadonlyMap<string, AgentState>): RunSummary["unfinishedAgents"] {
  const names: string[] = [];
  let count = 0;
  for (const [name, state] of agents) {
    if (!state.running) continue;
    if (count++ < 5) names.push(name);
  }
  return { count, names };
}

/** Every agent finished: none halted, stopped on an error, was left running or was interrupted, and no call failed. */
export function isComplete(
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

export function assembleSummary(parts: SummaryParts): RunSummary {
  const { sync, report } = parts;
  const submission = report.submission;
  const submitted = submission?.submitted ?? [];
  return {
    session: parts.session,
    strategy: parts.strategy,
    workspace: parts.workspace,
    elapsedMs: parts.elapsedMs,
    ...parts.stats,
    interruptedBy: parts.interruptedBy,
    unfinishedAgents: parts.unfinishedAgents,
    complete: parts.complete,
    firstFailedForGood: parts.firstFailedForGood,
    drift: parts.drift,
    dryRun: report.dryRun,
    cost: parts.cost,
    batches: {
      ingested: sync?.ingested ?? 0,
      ingestedAnswers: sync?.answers ?? 0,
      failedRequests: sync?.failures ?? 0,
      firstFailedRequest: sync?.firstFailure,
      unfinishedRequests: sync?.unfinished ?? 0,
      pending: (sync?.pending ?? 0) + submitted.filter((batch) => batch.providerBatchId !== undefined).length,
      submitted,
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
