/**
 * `pllm gc [dir]`: remove stored documents no request refers to and archived
 * batch files nothing needs (see `judgeArchiveFiles` for what is kept and why),
 * then report the bytes freed. Takes the workspace lock; `--dry-run` only reads.
 */
import { rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { defineCommand } from "citty";
import { type ArchiveFileVerdict, judgeArchiveFiles } from "../batch/archive-garbage.js";
import { openWorkspaceStore } from "../store/sqlite/open-workspace-store.js";
import { CliError } from "./cli-error.js";
import { formatBytes, formatCount } from "./format-number.js";
import { formatTable, indent } from "./format-table.js";
import { postgresArgs, postgresTargetOf, printJson, printLines, workspaceArgs } from "./workspace-args.js";

/** What gc found, and (without `--dry-run`) did. */
export interface GcReport {
  readonly dryRun: boolean;
  readonly documents: { readonly count: number; readonly bytes: number };
  readonly files: { readonly removed: readonly FileRow[]; readonly kept: readonly FileRow[] };
  /** The store file (with its WAL) before and after; `after` is `undefined` on a dry run. */
  readonly store: { readonly bytesBefore: number; readonly bytesAfter: number | undefined; readonly vacuumed: boolean };
  /** Bytes the workspace no longer takes on disk; `undefined` on a dry run. */
  readonly bytesFreed: number | undefined;
}

type FileRow = Omit<ArchiveFileVerdict, "remove">;

export const gcCommand = defineCommand({
  meta: {
    name: "gc",
    description:
      "Remove stored documents and archived batch files nothing needs, and report the bytes freed (takes the workspace lock).",
  },
  args: {
    dir: workspaceArgs.dir,
    ...postgresArgs,
    json: workspaceArgs.json,
    "dry-run": { type: "boolean", description: "Say what would be removed; change nothing" },
  },
  async run({ args }) {
    if (postgresTargetOf(args) !== undefined) {
      // Its documents are shared by every worker of the database, and PostgreSQL reclaims space by its own VACUUM.
      throw new CliError(
        "pllm gc works on a SQLite workspace only; a PostgreSQL store keeps its documents (its autovacuum reuses the space of deleted rows). Nothing was changed.",
      );
    }
    const report = await collectGarbage(String(args.dir), args["dry-run"] === true);
    if (args.json) printJson(report);
    else printLines(gcLines(report));
  },
});

async function collectGarbage(directory: string, dryRun: boolean): Promise<GcReport> {
  const workspace = resolve(directory);
  const storePath = join(workspace, "store.sqlite");
  const store = await openWorkspaceStore(directory, dryRun ? "read" : "change");
  let documents: { count: number; bytes: number };
  let verdicts: ArchiveFileVerdict[];
  let bytesBefore: number;
  let vacuumed = false;
  try {
    const unused = store.unusedDocuments();
    documents = { count: unused.hashes.length, bytes: unused.bytes };
    verdicts = judgeArchiveFiles(workspace, store.batchStates());
    bytesBefore = _storeBytes(storePath);
    if (!dryRun) {
      for (const file of verdicts) if (file.remove) rmSync(join(workspace, file.path), { force: true });
      vacuumed = await store.removeDocuments(unused.hashes);
    }
  } finally {
    await store.close();
  }
  const row = ({ path, bytes, reason }: ArchiveFileVerdict): FileRow => ({ path, bytes, reason });
  const removed = verdicts.filter((file) => file.remove).map(row);
  const bytesAfter = dryRun ? undefined : _storeBytes(storePath);
  return {
    dryRun,
    documents,
    files: { removed, kept: verdicts.filter((file) => !file.remove).map(row) },
    store: { bytesBefore, bytesAfter, vacuumed },
    bytesFreed:
      bytesAfter === undefined
        ? undefined
        : removed.reduce((sum, file) => sum + file.bytes, 0) + bytesBefore - bytesAfter,
  };
}

function gcLines(report: GcReport): string[] {
  const { documents, files, store } = report;
  const verb = report.dryRun ? "Would remove" : "Removed";
  const fileBytes = files.removed.reduce((sum, file) => sum + file.bytes, 0);
  const lines = [
    `${verb} ${formatCount(documents.count)} stored document(s) no request refers to (${formatBytes(documents.bytes)} of content) and ${formatCount(files.removed.length)} archived batch file(s) (${formatBytes(fileBytes)})${files.removed.length > 0 ? ":" : "."}`,
  ];
  const table = (rows: readonly FileRow[]) =>
    indent(
      formatTable(
        rows.map((file) => [file.path, formatBytes(file.bytes), file.reason]),
        ["left", "right"],
      ),
    );
  lines.push(...table(files.removed));
  if (files.kept.length > 0)
    lines.push(`Kept ${formatCount(files.kept.length)} archived batch file(s):`, ...table(files.kept));
  if (report.dryRun) {
    lines.push(`store.sqlite is ${formatBytes(store.bytesBefore)}. Nothing was changed (--dry-run).`);
    return lines;
  }
  const rewritten = store.vacuumed ? " (rewritten without its free pages)" : "";
  lines.push(
    `store.sqlite: ${formatBytes(store.bytesBefore)} → ${formatBytes(store.bytesAfter ?? 0)}${rewritten}.`,
    `Freed ${formatBytes(report.bytesFreed ?? 0)} in all.`,
  );
  return lines;
}

/** The store file and its WAL, in bytes. */
function _storeBytes(path: string): number {
  const size = (file: string) => {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  };
  return size(path) + size(`${path}-wal`);
}
