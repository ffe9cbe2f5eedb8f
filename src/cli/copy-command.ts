/**
 * `pllm copy <from> <to>`: copy a workspace's store between SQLite (a
 * directory) and PostgreSQL (a `postgres://` URL), either way: every table,
 * ids kept, streamed in pages, written in one transaction. Refuses a
 * destination that holds a workspace already. Archived batch files stay in
 * the source directory.
 */
import { defineCommand } from "citty";
import type { CopyEndpoint, CopyReport } from "../store/sql/sql-copy.js";
import { formatCount } from "./format-number.js";
import { formatTable, indent } from "./format-table.js";
import { importPostgres, isPostgresUrl, postgresArgs, printJson, printLines } from "./workspace-args.js";

type OpenedEndpoint = CopyEndpoint & { close(): Promise<void> };

export const copyCommand = defineCommand({
  meta: {
    name: "copy",
    description:
      "Copy a workspace between SQLite (a directory) and PostgreSQL (a postgres:// URL), into an empty destination",
  },
  args: {
    from: {
      type: "positional",
      required: true,
      description: "The workspace to copy: a directory or a postgres:// URL",
    },
    to: { type: "positional", required: true, description: "Where to: a directory or a postgres:// URL, empty" },
    "pg-schema": postgresArgs["pg-schema"],
    json: { type: "boolean", description: "Print JSON (one document) instead of text" },
  },
  async run({ args }) {
    const schema = args["pg-schema"] === undefined || args["pg-schema"] === "" ? undefined : String(args["pg-schema"]);
    const { copyStore } = await import("../store/sql/sql-copy.js");
    const from = await openEndpoint(String(args.from), schema, "source");
    let report: CopyReport;
    try {
      const to = await openEndpoint(String(args.to), schema, "destination");
      try {
        report = await copyStore(from, to);
      } finally {
        await to.close();
      }
    } finally {
      await from.close();
    }
    if (args.json) printJson(report);
    else printLines(copyLines(report));
  },
});

// --- internal ---

async function openEndpoint(
  text: string,
  schema: string | undefined,
  role: "source" | "destination",
): Promise<OpenedEndpoint> {
  if (isPostgresUrl(text)) {
    const module = await importPostgres(() => import("../store/postgres/postgres-copy-endpoint.js"));
    const target = { url: text, schema };
    return role === "source" ? module.postgresCopySource(target) : module.postgresCopyDestination(target);
  }
  const module = await import("../store/sqlite/sqlite-copy-endpoint.js");
  return role === "source" ? module.sqliteCopySource(text) : module.sqliteCopyDestination(text);
}

function copyLines(report: CopyReport): string[] {
  const rows = report.tables.reduce((sum, table) => sum + table.rows, 0);
  return [
    `Copied ${formatCount(rows)} row(s) from ${report.from} to ${report.to}:`,
    ...indent(
      formatTable(
        report.tables.map((table) => [table.table, formatCount(table.rows)]),
        ["left", "right"],
      ),
    ),
  ];
}
