/**
 * `pllm status [dir]`: what a workspace holds at a glance — the latest
 * sessions, calls by status, model and agent, pending batches, failures, and
 * tokens and cost. Reads only (no lock), so it works while a pipeline writes.
 */
import { defineCommand } from "citty";
import pc from "picocolors";
import type { RunSummary } from "../dashboard/run-summary.js";
import type { SessionRow, SpendFigures, WorkspaceOverview } from "../store/workspace-reader.js";
import { formatCount, formatMoney, formatPercent } from "./format-number.js";
import { formatTable, indent, moreLines, oneLine } from "./format-table.js";
import { formatAge, formatDuration } from "./format-time.js";
import { printJson, printLines, wholeNumber, withWorkspace, workspaceArgs } from "./workspace-args.js";

export const statusCommand = defineCommand({
  meta: { name: "status", description: "Sessions, calls, pending batches, failures and spend of a workspace" },
  args: {
    ...workspaceArgs,
    sessions: { type: "string", default: "5", description: "The latest sessions to list", valueHint: "number" },
    agents: {
      type: "string",
      default: "10",
      description: "The agents with the most calls to list",
      valueHint: "number",
    },
  },
  async run({ args }) {
    const options = {
      sessions: wholeNumber(String(args.sessions), "--sessions"),
      agents: wholeNumber(String(args.agents), "--agents"),
    };
    await withWorkspace(args, async (reader) => {
      const overview = await reader.overview(options);
      if (args.json) printJson({ location: reader.location, ...overview });
      else printLines(statusLines(reader.location, overview, Date.now()));
    });
  },
});

/** The text of `pllm status`, seen at `now`. */
export function statusLines(location: string, overview: WorkspaceOverview, now: number): string[] {
  const { calls } = overview;
  const total = calls.answered + calls.pending + calls.failed + calls.unanswered;
  return [
    `${pc.bold("Workspace")} ${location}`,
    ...sessionLines(overview, now),
    "",
    `${pc.bold("Calls")} ${formatCount(total)}: ${formatCount(calls.answered)} answered, ${formatCount(calls.pending)} pending, ${formatCount(calls.failed)} failed, ${formatCount(calls.unanswered)} unanswered`,
    ...indent(
      formatTable(
        [
          ["provider", "model", "answered", "pending", "failed", "unanswered"],
          ...overview.models.map((line) => [
            line.provider,
            line.model,
            ...[line.answered, line.pending, line.failed, line.unanswered].map(formatCount),
          ]),
        ],
        ["left", "left", "right", "right", "right", "right"],
      ),
    ),
    "",
    `${pc.bold("Agents")} ${formatCount(overview.agents.total)}`,
    ...indent(
      formatTable(
        [["agent", "calls"], ...overview.agents.top.map((line) => [line.agent, formatCount(line.calls)])],
        ["left", "right"],
      ),
    ),
    ...indent(moreLines(overview.agents.total - overview.agents.top.length, "more agents")),
    ...batchLines(overview, now),
    ...failureLines(overview, now),
    "",
    `${pc.bold("Spent")} (list prices of ${overview.spent.pricesTakenOn})`,
    ...indent(
      formatTable(
        [
          ["", "answers", "input tokens", "output tokens", "cost"],
          spendRow("all time", overview.spent.allTime),
          ...(overview.spent.lastSession && overview.sessions.length > 0
            ? [spendRow(`session ${overview.sessions.at(-1)?.id}`, overview.spent.lastSession)]
            : []),
        ],
        ["left", "right", "right", "right", "right"],
      ),
    ),
    ...(overview.spent.allTime.cost === undefined
      ? [
          overview.spent.allTime.uncounted > 0
            ? `  (no token counts: ${formatCount(overview.spent.allTime.uncounted)} answers came without them, so their cost is not known; pllm cost shows which)`
            : "  (no price: a model has no known price; pllm cost shows which, --prices adds one)",
        ]
      : []),
  ];
}

// --- internal ---

function sessionLines(overview: WorkspaceOverview, now: number): string[] {
  if (overview.sessionCount === 0) return ["", "No sessions yet."];
  const shown = overview.sessions.length;
  const title =
    shown < overview.sessionCount
      ? `${pc.bold("Sessions")} (the last ${formatCount(shown)} of ${formatCount(overview.sessionCount)})`
      : `${pc.bold("Sessions")} ${formatCount(overview.sessionCount)}`;
  const rows = overview.sessions.map((session) => {
    const summary = session.summary as Partial<RunSummary> | undefined;
    const figures = [summary?.sent, summary?.replayed, summary?.collected, summary?.failed].map((value) =>
      value === undefined ? "" : formatCount(value),
    );
    return [
      String(session.id),
      session.strategy,
      formatAge(session.startedAt, now),
      standing(session, overview.running, now),
      ...figures,
      formatCount(session.answers),
    ];
  });
  return [
    "",
    title,
    ...indent(
      formatTable(
        [["#", "strategy", "started", "took", "sent", "replayed", "collected", "failed", "answers stored"], ...rows],
        ["right", "left", "left", "left", "right", "right", "right", "right", "right"],
      ),
    ),
  ];
}

/** How long an ended session took; a running one says so; one that never ended (killed) too. */
function standing(session: SessionRow, running: readonly number[], now: number): string {
  if (session.endedAt !== undefined) return formatDuration(session.endedAt - session.startedAt);
  if (running.includes(session.id)) return pc.green(`running (${formatDuration(now - session.startedAt)})`);
  return pc.yellow("did not end");
}

function batchLines(overview: WorkspaceOverview, now: number): string[] {
  const batches = overview.pendingBatches;
  if (batches.length === 0) return ["", `${pc.bold("Pending batches")} none`];
  return [
    "",
    `${pc.bold("Pending batches")} ${formatCount(batches.length)}`,
    ...indent(
      formatTable(
        [
          ["id", "provider", "model", "provider batch", "state", "age", "requests", "done"],
          ...batches.map((batch) => [
            String(batch.id),
            batch.provider,
            batch.model,
            batch.providerBatchId ?? "(not submitted yet)",
            batch.state,
            formatAge(batch.createdAt, now),
            formatCount(batch.requests),
            `${formatCount(batch.answered + batch.failed)} (${formatPercent(batch.answered + batch.failed, batch.requests)})`,
          ]),
        ],
        ["right", "left", "left", "left", "left", "left", "right", "right"],
      ),
    ),
  ];
}

function failureLines(overview: WorkspaceOverview, now: number): string[] {
  const failed = overview.calls.failed;
  if (failed === 0) return ["", `${pc.bold("Failures")} none`];
  return [
    "",
    `${pc.bold("Failures")} ${pc.red(formatCount(failed))} (pllm failures lists them)`,
    ...indent(
      formatTable(
        overview.failures.map((failure) => [
          failure.agent,
          `${failure.provider}/${failure.model}`,
          [failure.kind, failure.statusCode].filter((part) => part !== undefined).join(" "),
          formatAge(failure.at, now),
          oneLine(failure.message, 80),
        ]),
      ),
    ),
    ...indent(moreLines(failed - overview.failures.length)),
  ];
}

function spendRow(name: string, spend: SpendFigures): string[] {
  return [
    name,
    formatCount(spend.answers),
    formatCount(spend.inputTokens),
    formatCount(spend.outputTokens),
    formatMoney(spend.cost, spend.uncounted),
  ];
}
