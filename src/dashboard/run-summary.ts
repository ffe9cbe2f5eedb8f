/** The one-screen summary every run ends with. */
import type { DryRunRow } from "../batch/dry-run-report.js";
import { costOf, pricesTakenOn } from "../providers/model-prices.js";
import type { SessionCost } from "./cost-report.js";

export interface DriftReport {
  /** False when an agent halted: an incomplete run cannot judge drift. */
  readonly judged: boolean;
  /** Answers stored by earlier sessions that this run never asked for. */
  readonly staleAnswers: number;
  /** A few agents those answers belong to. */
  readonly staleAgents: readonly string[];
  /** Calls this run asked that had no stored answer. */
  readonly newCalls: number;
  /** True when the store held answers before this run and the run differed from them. */
  readonly drifted: boolean;
}

export interface BatchSummary {
  /** Batches of earlier runs whose results this run stored. */
  readonly ingested: number;
  readonly ingestedAnswers: number;
  /** Requests of the ingested batches that failed (per-request errors), and the first of them, named. */
  readonly failedRequests: number;
  readonly firstFailedRequest: string | undefined;
  /** Requests of the ingested batches left without an answer otherwise (expired, cancelled, no result): collected again. */
  readonly unfinishedRequests: number;
  /** Batches still running at the provider after this run (including those it submitted). */
  readonly pending: number;
  readonly submitted: readonly {
    readonly provider: string;
    readonly model: string;
    readonly tag: string;
    readonly providerBatchId: string | undefined;
    readonly requestCount: number;
    /** Of `requestCount`, calls that failed in an earlier run and go again. */
    readonly resubmitted: number;
    readonly inputPath: string;
    readonly error?: string;
  }[];
  /** Collected calls another worker of the store answered or put in its batch meanwhile: not submitted again. */
  readonly takenElsewhere: number;
  /** True when collected calls were written out but not submitted (preview, or not approved). */
  readonly previewOnly: boolean;
  /** Batches that failed as a whole: at the provider, or refused when they were submitted. */
  readonly failed: readonly { readonly tag: string; readonly message: string }[];
  readonly warnings: readonly string[];
  readonly estimate: readonly {
    readonly provider: string;
    readonly model: string;
    readonly requests: number;
    readonly estimatedInputTokens: number;
  }[];
}

export interface RunSummary {
  readonly session: number;
  readonly strategy: string;
  readonly workspace: string;
  readonly elapsedMs: number;
  readonly asked: number;
  readonly replayed: number;
  readonly sent: number;
  readonly received: number;
  readonly failed: number;
  /** Calls an interruption kept from being sent or retried (see `interruptedBy`): the next run sends them. */
  readonly interrupted: number;
  /** Calls that failed for good: not sent again until the ask changes or `retryFailed` sends them again. */
  readonly failedForGood: number;
  /** The first of them, named (agent, provider/model, what the provider said). */
  readonly firstFailedForGood: string | undefined;
  readonly failedAttempts: number;
  readonly halted: number;
  readonly failedAgents: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly collected: number;
  readonly inPendingBatches: number;
  /** Asks not sent because their agent is another shard's: a later run replays what that shard's worker stored. */
  readonly waitingForShard: number;
  /** The signal (SIGINT, SIGTERM) that stopped the run: calls not sent by then are sent by the next run. */
  readonly interruptedBy: string | undefined;
  /** Agents still running when the workspace closed (not awaited): their later asks were refused. */
  readonly unfinishedAgents: { readonly count: number; readonly names: readonly string[] };
  /**
   * Every agent finished: none halted, stopped on an error, was left running or was
   * interrupted, and no call failed. Only then is drift judged.
   */
  readonly complete: boolean;
  readonly drift: DriftReport;
  readonly batches: BatchSummary;
  /** This session's; the workspace's totals are `pllm.cost()`. */
  readonly cost: SessionCost;
  /** `strategy: "dry-run"`: the calls that would be sent, counted and priced. */
  readonly dryRun?: readonly DryRunRow[];
}

const dollars = (value: number | undefined) => (value === undefined ? "no price known" : `$${value.toFixed(4)}`);

function dryRunLines(rows: readonly DryRunRow[]): string[] {
  const lines = ["  dry run   nothing was sent; the calls this run would send:"];
  for (const row of rows) {
    const counted = row.method === "estimate" ? "estimated at 4 characters per token" : `counted with ${row.method}`;
    lines.push(
      `    ${row.provider}/${row.model}: ${row.calls} calls, ${row.inputTokens} input tokens (${counted}); input ${dollars(row.directInputCost)} direct, ${dollars(row.batchInputCost)} by batch${row.maxOutputTokens === undefined ? "" : `; at most ${row.maxOutputTokens} output tokens`}`,
    );
  }
  lines.push(`    (list prices of ${pricesTakenOn}; output tokens are billed on top)`);
  return lines;
}

function costLines(cost: SessionCost): string[] {
  const lines: string[] = [];
  const byModel = cost.session.byModel;
  if (byModel.length > 0) {
    // A model's answers without token counts have no cost to tell (never a count of 0 priced).
    const models = byModel
      .map((line) =>
        line.cost === undefined && line.uncounted > 0
          ? `${line.name} no token counts (${line.uncounted} answers)`
          : `${line.name} ${dollars(line.cost)}`,
      )
      .join(", ");
    const total = byModel.some((line) => line.uncounted > 0) ? "unknown" : dollars(cost.session.total);
    lines.push(`  cost      ${total} this session (${models}; prices of ${cost.pricesTakenOn})`);
  }
  const savings: string[] = [];
  if (cost.savedByReplay === undefined && cost.replayedUncounted > 0) {
    savings.push(`unknown by replay (${cost.replayedUncounted} answers replayed without token counts)`);
  } else if (cost.savedByReplay !== 0) savings.push(`${dollars(cost.savedByReplay)} by replay`);
  if (cost.savedByBatch.session) savings.push(`${dollars(cost.savedByBatch.session)} by batch`);
  if (savings.length > 0) lines.push(`  saved     ${savings.join(", ")}`);
  return lines;
}

function batchLines(summary: RunSummary): string[] {
  const batches = summary.batches;
  const lines: string[] = [];
  if (batches.ingested > 0) {
    const failed =
      batches.failedRequests > 0 ? `, ${batches.failedRequests} failed (first: ${batches.firstFailedRequest})` : "";
    const unfinished =
      batches.unfinishedRequests > 0
        ? `, ${batches.unfinishedRequests} unfinished (expired, cancelled or without a result)`
        : "";
    lines.push(
      `  batches   ${batches.ingested} finished batch(es) ingested: ${batches.ingestedAnswers} answers stored${failed}${unfinished}`,
    );
  }
  if (summary.inPendingBatches > 0)
    lines.push(`  waiting   ${summary.inPendingBatches} asks wait in batches submitted earlier`);
  if (summary.waitingForShard > 0)
    lines.push(`  waiting   ${summary.waitingForShard} asks wait for another shard's worker to send them`);
  if (summary.collected > 0 && !summary.dryRun) {
    const verb = batches.previewOnly ? "written to batch files, not submitted" : "collected";
    lines.push(`  collected ${summary.collected} calls ${verb}`);
  }
  if (batches.takenElsewhere > 0) {
    lines.push(
      `  waiting   ${batches.takenElsewhere} of the collected calls went into another worker's batch or were answered meanwhile: not submitted again`,
    );
  }
  for (const batch of batches.submitted) {
    const where = batch.providerBatchId
      ? `submitted as ${batch.providerBatchId}`
      : (batch.error ?? `input at ${batch.inputPath}`);
    const again = batch.resubmitted > 0 ? ` (${batch.resubmitted} again after failing)` : "";
    lines.push(`  batch     ${batch.provider}/${batch.model}: ${batch.requestCount} requests${again}, ${where}`);
  }
  for (const row of batches.estimate) {
    const cost = costOf(row.model, { input: row.estimatedInputTokens }, { batch: true });
    const price = cost === undefined ? "" : `, ~$${cost.toFixed(4)} input at batch price`;
    lines.push(`  estimate  ${row.provider}/${row.model}: ~${row.estimatedInputTokens} input tokens${price}`);
  }
  for (const failed of batches.failed) lines.push(`  FAILED    ${failed.tag}: ${failed.message}`);
  for (const warning of batches.warnings.slice(0, 5)) lines.push(`  warning   ${warning}`);
  if (batches.pending > 0) {
    lines.push(
      `  pending   ${batches.pending} batch(es) at the provider: rerun later, or use pllm run --wait / Parallellm.run(..., { untilDone: true })`,
    );
  }
  return lines;
}

/** Nothing is left to do: no batch pending at a provider (those this run submitted included) and no agent halted. */
export function isFinished(summary: RunSummary): boolean {
  return summary.batches.pending === 0 && summary.halted === 0;
}

/**
 * Something moved, so run-until-done polls fast again: answers were stored (sent
 * directly or from batches), or calls went into a batch for the first time (not
 * calls that failed before and go again).
 */
export function madeProgress(summary: RunSummary): boolean {
  return (
    summary.received > 0 ||
    summary.batches.ingestedAnswers > 0 ||
    summary.batches.submitted.some(
      (batch) => batch.providerBatchId !== undefined && batch.requestCount > batch.resubmitted,
    )
  );
}

/**
 * Why run-until-done stops although work may be left: batches that failed as a
 * whole, or calls that failed for good (rerunning would not send them again).
 */
export function stopReason(
  summary: RunSummary,
): { readonly kind: "batch-failed" | "failed-for-good"; readonly message: string } | undefined {
  const failed = summary.batches.failed;
  if (failed.length > 0) {
    return {
      kind: "batch-failed",
      message: `${failed.length} batch(es) failed permanently:\n${failed.map((batch) => `  ${batch.tag}: ${batch.message}`).join("\n")}\nThey were not answered; fix the requests and run again.`,
    };
  }
  if (summary.failedForGood > 0) {
    return { kind: "failed-for-good", message: failedForGoodText(summary) };
  }
  return undefined;
}

function failedForGoodText(summary: RunSummary): string {
  return `${summary.failedForGood} call(s) failed for good and are not sent again (first: ${summary.firstFailedForGood}). Fix those asks (a changed ask is a new call), or send them again with retryFailed: true (pllm run --retry-failed) or by marking them with pllm retry.`;
}

export function formatSummary(summary: RunSummary): string {
  const asked = summary.asked;
  const lines = [
    `parallellm · session ${summary.session} · ${summary.strategy} · ${summary.workspace} · ${(summary.elapsedMs / 1000).toFixed(1)}s`,
    `  calls     ${asked} asked: ${summary.replayed} replayed from the store, ${summary.sent} sent, ${summary.received} received, ${summary.failed} failed`,
  ];
  if (summary.interruptedBy) {
    lines.push(
      `  stopped   by ${summary.interruptedBy}: ${summary.interrupted} calls were not sent (or not retried); the next run sends them`,
    );
  }
  if (summary.failedAttempts > 0)
    lines.push(`  retries   ${summary.failedAttempts} failed attempts (see the failures table)`);
  if (summary.failedForGood > 0) lines.push(`  FAILED    ${failedForGoodText(summary)}`);
  if (summary.halted > 0)
    lines.push(`  halted    ${summary.halted} agents wait for answers that are not available yet`);
  lines.push(...batchLines(summary));
  if (summary.dryRun) lines.push(...dryRunLines(summary.dryRun));
  lines.push(...costLines(summary.cost));
  if (summary.failedAgents > 0) lines.push(`  errors    ${summary.failedAgents} agents stopped on an error (recorded)`);
  const unfinished = summary.unfinishedAgents;
  if (unfinished.count > 0) {
    lines.push(
      `  unfinished ${unfinished.count} agents were still running at close (${unfinished.names.join(", ")}${unfinished.count > unfinished.names.length ? ", …" : ""}); their later asks were refused: await pllm.agent() and forEach() before close()`,
    );
  }
  if (summary.inputTokens + summary.outputTokens > 0) {
    lines.push(`  tokens    ${summary.inputTokens} in, ${summary.outputTokens} out (sent this run)`);
  }
  const drift = summary.drift;
  if (!drift.judged) lines.push("  drift     not judged: some agents did not finish");
  else if (drift.drifted) {
    const agents = drift.staleAgents.length > 0 ? ` (agents: ${drift.staleAgents.join(", ")})` : "";
    lines.push(
      `  drift     ${drift.staleAnswers} stored answers not asked this run${agents}; ${drift.newCalls} new calls — the pipeline changed since the store was written`,
    );
  } else if (asked > 0 && summary.sent === 0)
    lines.push("  replay    exact: every call was replayed from the store, 0 sent");
  return lines.join("\n");
}
