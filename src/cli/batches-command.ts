/**
 * `pllm batches [dir]`: every provider batch of a workspace and where its calls
 * stand. `--refresh` polls the providers and ingests the batches that ended, as
 * the open of a run does; `--cancel <id>` (repeatable) or `--cancel-all` asks
 * the providers to cancel pending batches. Both take the workspace lock and use
 * the providers' API keys from the environment (`OPENAI_API_KEY`, …).
 */
import { defineCommand } from "citty";
import type { BatchRow } from "../store/workspace-reader.js";
import { UsageError } from "./cli-error.js";
import { formatCount } from "./format-number.js";
import { formatTable } from "./format-table.js";
import { formatAge } from "./format-time.js";
import { cancelNamedBatches, refreshBatches } from "./manage-batches.js";
import { postgresArgs, printJson, printLines, withWorkspace, workspaceArgs } from "./workspace-args.js";

export const batchesCommand = defineCommand({
  meta: {
    name: "batches",
    description: "List the workspace's provider batches; --refresh polls and ingests them now, --cancel cancels them.",
  },
  args: {
    dir: workspaceArgs.dir,
    ...postgresArgs,
    json: workspaceArgs.json,
    refresh: {
      type: "boolean",
      description: "Poll the providers now and ingest the batches that ended (takes the workspace lock; API keys)",
    },
    "cohort-lock": {
      type: "boolean",
      description: "With --refresh: ingest a session's batches only once all of them ended (cohortLock: true)",
    },
    cancel: {
      type: "string",
      description: "Cancel a pending batch at its provider: its id, tag or provider batch id (repeatable)",
      valueHint: "id",
    },
    "cancel-all": { type: "boolean", description: "Cancel every pending batch at its provider" },
  },
  async run({ args, rawArgs }) {
    const named = _cancelValues(rawArgs);
    const cancelling = named.length > 0 || args["cancel-all"] === true;
    if (named.length > 0 && args["cancel-all"]) throw new UsageError("Give --cancel <id> or --cancel-all, not both.");
    if (cancelling && args.refresh) {
      throw new UsageError("--refresh and --cancel are two commands: cancel first, then refresh (or wait for a run).");
    }
    if (args["cohort-lock"] && !args.refresh) throw new UsageError("--cohort-lock goes with --refresh.");
    if (cancelling) {
      const report = await cancelNamedBatches(args, args["cancel-all"] ? "all" : named);
      if (args.json) printJson(report);
      else printLines(_cancelLines(report));
      return;
    }
    if (args.refresh) {
      const refreshed = await refreshBatches(args, args["cohort-lock"] === true);
      if (args.json) printJson(refreshed);
      else printLines([..._refreshLines(refreshed), ...batchTable(refreshed.batches)]);
      return;
    }
    const batches = await withWorkspace(args, (reader) => reader.batches());
    if (args.json) printJson({ batches });
    else printLines(batchTable(batches));
  },
});

/** The batches as an aligned table, oldest first. */
export function batchTable(batches: readonly BatchRow[], now = Date.now()): string[] {
  if (batches.length === 0) return ["No batches: nothing was submitted to a provider's Batch API here."];
  const header = [
    "id",
    "tag",
    "provider",
    "model",
    "provider batch id",
    "state",
    "requests",
    "answered",
    "failed",
    "open",
  ];
  const rows = batches.map((batch) => [
    String(batch.id),
    batch.tag,
    batch.provider,
    batch.model,
    batch.providerBatchId ?? "-",
    batch.state,
    formatCount(batch.requests),
    formatCount(batch.answered),
    formatCount(batch.failed),
    formatCount(batch.open),
    formatAge(batch.createdAt, now),
  ]);
  return formatTable(
    [[...header, "created"], ...rows],
    ["right", "left", "left", "left", "left", "left", "right", "right", "right", "right"],
  );
}

// --- internal ---

/** Every value of `--cancel` (citty keeps only the last of a repeated flag). */
function _cancelValues(rawArgs: readonly string[]): string[] {
  const values: string[] = [];
  for (let index = 0; index < rawArgs.length; index++) {
    const arg = rawArgs[index];
    if (arg === "--") break;
    const value = arg === "--cancel" ? rawArgs[++index] : arg.startsWith("--cancel=") ? arg.slice(9) : undefined;
    if (arg !== "--cancel" && value === undefined) continue;
    if (value === undefined || value === "" || value.startsWith("-")) {
      throw new UsageError("--cancel takes a batch: its id, tag or provider batch id (pllm batches lists them).");
    }
    values.push(value);
  }
  return values;
}

function _cancelLines(report: Awaited<ReturnType<typeof cancelNamedBatches>>): string[] {
  if (report.cancelling.length === 0 && report.failed.length === 0) return ["No batch is pending: nothing to cancel."];
  const lines: string[] = [];
  if (report.cancelling.length > 0) {
    lines.push(
      `Asked to cancel ${formatCount(report.cancelling.length)} batch(es); each stays pending until its provider reports it ended, and the next run (or pllm batches --refresh) ingests what was answered:`,
      ...report.cancelling.map((batch) => `  ${batch.tag}  ${batch.provider}  ${batch.providerBatchId}`),
    );
  }
  if (report.failed.length > 0) {
    lines.push(
      `${formatCount(report.failed.length)} batch(es) were not cancelled:`,
      ...report.failed.map((batch) => `  ${batch.tag}  ${batch.provider}  ${batch.providerBatchId}: ${batch.message}`),
    );
  }
  return lines;
}

function _refreshLines(refreshed: Awaited<ReturnType<typeof refreshBatches>>): string[] {
  const { sync, changed } = refreshed;
  const lines = [
    sync.ingested === 0
      ? `No batch had ended; ${formatCount(sync.pending)} still pending.`
      : `Ingested ${formatCount(sync.ingested)} batch(es): ${formatCount(sync.answers)} answer(s), ${formatCount(sync.failedRequests)} failed request(s), ${formatCount(sync.unfinishedRequests)} without a result (sent again by the next run); ${formatCount(sync.pending)} still pending.`,
  ];
  for (const failed of sync.failedBatches) lines.push(`  batch ${failed.tag} failed: ${failed.message}`);
  for (const warning of sync.warnings) lines.push(`  warning: ${warning}`);
  lines.push(
    changed.length === 0
      ? "No batch changed."
      : `Batches that changed: ${changed.map((batch) => batch.id).join(", ")}.`,
  );
  return lines;
}
