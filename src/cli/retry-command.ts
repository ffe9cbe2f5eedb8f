/**
 * `pllm retry [dir] [--agent <glob>] [--kind <kind>]`: mark the calls that
 * failed for good (a rejected request, or too many failed batches) so that the
 * next run sends them again, as `pllm run --retry-failed` does for one run.
 * Their failures stay in the store as history. Takes the workspace lock;
 * `--dry-run` only reads.
 */
import { defineCommand } from "citty";
import { failureKinds, isFailedForGood } from "../core/failed-for-good.js";
import type { FailedCall } from "../store/store.js";
import { UsageError } from "./cli-error.js";
import { formatCount } from "./format-number.js";
import { formatTable, indent } from "./format-table.js";
import { globMatcher } from "./glob-pattern.js";
import { openStoreOf } from "./open-store.js";
import { callFilterArgs, postgresArgs, printJson, printLines, workspaceArgs } from "./workspace-args.js";

/** Groups listed in the text output; the rest are counted in one line. */
const shownGroups = 20;

export const retryCommand = defineCommand({
  meta: {
    name: "retry",
    description:
      "Mark calls that failed for good to be sent again at the next run; their failures stay as history (takes the workspace lock).",
  },
  args: {
    dir: workspaceArgs.dir,
    ...postgresArgs,
    json: workspaceArgs.json,
    agent: callFilterArgs.agent,
    kind: { type: "string", description: `The latest failure's kind: ${failureKinds.join(", ")}` },
    "dry-run": { type: "boolean", description: "Say which calls would be marked; change nothing" },
  },
  async run({ args }) {
    const kind = args.kind === undefined || args.kind === "" ? undefined : String(args.kind);
    if (kind !== undefined && !failureKinds.includes(kind)) {
      throw new UsageError(`--kind takes one of ${failureKinds.join(", ")}; got "${kind}".`);
    }
    const matchesAgent = globMatcher(args.agent === undefined || args.agent === "" ? "*" : String(args.agent));
    const dryRun = args["dry-run"] === true;
    const store = await openStoreOf(args, dryRun ? "read" : "change");
    let chosen: FailedCall[];
    let marked: number;
    try {
      chosen = (await store.failedCalls()).filter(
        (call) => isFailedForGood(call) && matchesAgent(call.agent) && (kind === undefined || call.kind === kind),
      );
      marked = dryRun || chosen.length === 0 ? chosen.length : await store.retryCalls(chosen, Date.now());
    } finally {
      await store.close();
    }
    const groups = _byAgentAndKind(chosen);
    if (args.json) {
      printJson({
        dryRun,
        marked,
        byAgentAndKind: groups,
        calls: chosen.map(({ agent, hash, occurrence, kind, statusCode, message }) => ({
          agent,
          hash,
          occurrence,
          kind,
          statusCode,
          message,
        })),
      });
      return;
    }
    printLines(_retryLines(marked, groups, dryRun));
  },
});

// --- internal ---

interface RetryGroup {
  readonly agent: string;
  readonly kind: string;
  readonly calls: number;
}

function _byAgentAndKind(calls: readonly FailedCall[]): RetryGroup[] {
  const counts = new Map<string, RetryGroup>();
  for (const { agent, kind } of calls) {
    const key = `${agent}\u0000${kind}`;
    counts.set(key, { agent, kind, calls: (counts.get(key)?.calls ?? 0) + 1 });
  }
  return [...counts.values()].sort((left, right) =>
    left.agent === right.agent ? left.kind.localeCompare(right.kind) : left.agent.localeCompare(right.agent),
  );
}

function _retryLines(marked: number, groups: readonly RetryGroup[], dryRun: boolean): string[] {
  if (marked === 0) return ["No call that failed for good matches; nothing was marked."];
  const lines = [
    `${dryRun ? "Would mark" : "Marked"} ${formatCount(marked)} call(s) that failed for good to be sent again at the next run (their failures stay as history):`,
  ];
  const rows = groups.slice(0, shownGroups).map((group) => [group.agent, group.kind, formatCount(group.calls)]);
  lines.push(...indent(formatTable([["agent", "kind", "calls"], ...rows], ["left", "left", "right"])));
  if (groups.length > shownGroups)
    lines.push(`  … and ${formatCount(groups.length - shownGroups)} more agent and kind pairs`);
  if (dryRun) lines.push("Nothing was changed (--dry-run).");
  return lines;
}
