/**
 * `pllm cost [dir]`: what a workspace spent, by model, agent and session, all
 * time and in one session (`--session`, default the latest), and what replay and
 * batches saved, at the built-in list prices (or `--prices`).
 */
import { defineCommand } from "citty";
import pc from "picocolors";
import type { CostLine, CostReport } from "../dashboard/cost-report.js";
import { formatCount, formatMoney } from "./format-number.js";
import { formatTable, indent, moreLines } from "./format-table.js";
import { printJson, printLines, wholeNumber, withWorkspace, workspaceArgs } from "./workspace-args.js";

export const costCommand = defineCommand({
  meta: { name: "cost", description: "What a workspace spent, by model, agent and session" },
  args: {
    ...workspaceArgs,
    session: { type: "string", description: "The session to report on (default: the latest)", valueHint: "number" },
    agents: { type: "string", default: "20", description: "The agents that spent most to list", valueHint: "number" },
  },
  async run({ args }) {
    const session = args.session === undefined ? undefined : wholeNumber(String(args.session), "--session", 1);
    const agents = wholeNumber(String(args.agents), "--agents");
    await withWorkspace(args, async (reader) => {
      const [report, sessions] = await Promise.all([reader.cost(session), reader.sessions()]);
      if (args.json) {
        printJson(report);
        return;
      }
      const about = session ?? sessions.at(-1)?.id;
      printLines(costLines(report, about, agents));
    });
  },
});

/** The text of `pllm cost`; `session` is the session the report's `session` part is about. */
export function costLines(report: CostReport, session: number | undefined, agents: number): string[] {
  // Agents without a known price cannot be ranked by cost: listed after the priced ones, by tokens.
  const byCost = [...report.allTime.byAgent].sort(
    (a, b) => (b.cost ?? -1) - (a.cost ?? -1) || b.inputTokens + b.outputTokens - (a.inputTokens + a.outputTokens),
  );
  const lines = [
    `${pc.bold("All time")}: ${formatMoney(report.allTime.total, uncountedIn(report.allTime.byModel))} (list prices of ${report.pricesTakenOn})`,
    ...section("by model", report.allTime.byModel),
    ...section("by agent", byCost.slice(0, agents)),
    ...indent(moreLines(byCost.length - Math.min(agents, byCost.length), "more agents (--agents lists more)")),
    ...section(
      "by session",
      report.allTime.bySession.map((line) => ({ ...line, name: `session ${line.name}` })),
    ),
  ];
  if (session !== undefined) {
    const total = formatMoney(report.session.total, uncountedIn(report.session.byModel));
    lines.push("", `${pc.bold(`Session ${session}`)}: ${total}`);
    lines.push(...section("by model", report.session.byModel));
  }
  const saved = [
    report.savedByReplay
      ? `${formatMoney(report.savedByReplay)} by replay in session ${session}`
      : report.replayedUncounted > 0
        ? `unknown by replay in session ${session} (${formatCount(report.replayedUncounted)} answers replayed without token counts)`
        : undefined,
    report.savedByBatch.allTime ? `${formatMoney(report.savedByBatch.allTime)} by batch discounts all time` : undefined,
  ].filter((part) => part !== undefined);
  if (saved.length > 0) lines.push("", `${pc.bold("Saved")}: ${saved.join("; ")}`);
  if (report.allTime.byModel.some((line) => line.cost === undefined && line.uncounted === 0)) {
    lines.push("", "no price: a model above has no known price; pass --prices with a JSON file of prices.");
  }
  const uncounted = uncountedIn(report.allTime.byModel);
  if (uncounted > 0) {
    lines.push(
      "",
      `no token counts: ${formatCount(uncounted)} answers came without token counts (as Gemini's direct embeddings do), so what they cost is not known; the same calls sent through a batch are counted.`,
    );
  }
  return lines;
}

// --- internal ---

const uncountedIn = (lines: readonly CostLine[]) => lines.reduce((total, line) => total + line.uncounted, 0);

function section(title: string, costLines: readonly CostLine[]): string[] {
  if (costLines.length === 0) return [];
  return [
    "",
    ...indent(
      formatTable(
        [
          [title, "answers", "input tokens", "output tokens", "cost"],
          ...costLines.map((line) => [
            line.name,
            formatCount(line.answers),
            formatCount(line.inputTokens),
            formatCount(line.outputTokens),
            formatMoney(line.cost, line.uncounted),
          ]),
        ],
        ["left", "right", "right", "right", "right"],
      ),
    ),
  ];
}
