/** The one-screen summary every run ends with. */

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

export interface RunSummary {
  readonly session: number;
  readonly strategy: string;
  readonly workspace: string;
  readonly elapsedMs: number;
  readonly replayed: number;
  readonly sent: number;
  readonly received: number;
  readonly failed: number;
  readonly failedAttempts: number;
  readonly halted: number;
  readonly failedAgents: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly drift: DriftReport;
}

export function formatSummary(summary: RunSummary): string {
  const asked = summary.replayed + summary.sent;
  const lines = [
    `parallellm · session ${summary.session} · ${summary.strategy} · ${summary.workspace} · ${(summary.elapsedMs / 1000).toFixed(1)}s`,
    `  calls     ${asked} asked: ${summary.replayed} replayed from the store, ${summary.sent} sent, ${summary.received} received, ${summary.failed} failed`,
  ];
  if (summary.failedAttempts > 0)
    lines.push(`  retries   ${summary.failedAttempts} failed attempts (see the failures table)`);
  if (summary.halted > 0)
    lines.push(`  halted    ${summary.halted} agents wait for answers that are not available yet`);
  if (summary.failedAgents > 0) lines.push(`  errors    ${summary.failedAgents} agents stopped on an error (recorded)`);
  if (summary.inputTokens + summary.outputTokens > 0) {
    lines.push(`  tokens    ${summary.inputTokens} in, ${summary.outputTokens} out (sent this run)`);
  }
  const drift = summary.drift;
  if (!drift.judged) lines.push("  drift     not judged: some agents halted");
  else if (drift.drifted) {
    const agents = drift.staleAgents.length > 0 ? ` (agents: ${drift.staleAgents.join(", ")})` : "";
    lines.push(
      `  drift     ${drift.staleAnswers} stored answers not asked this run${agents}; ${drift.newCalls} new calls — the pipeline changed since the store was written`,
    );
  } else if (asked > 0 && summary.sent === 0)
    lines.push("  replay    exact: every call was replayed from the store, 0 sent");
  return lines.join("\n");
}
