/**
 * Copying a workspace's store into another (`pllm copy`), over two
 * `SqlConnection`s, so SQLite → PostgreSQL, PostgreSQL → SQLite (and either to
 * itself) are one piece of code. Every table is read in keyset pages (bounded
 * memory however many calls) from one snapshot of the source, and written in
 * one transaction of the destination: the copy appears whole or not at all.
 * Rows keep their ids.
 */
import { InputError } from "../../core/errors.js";
import type { SqlConnection, SqlRow, SqlValue } from "./sql-connection.js";

/** One end of a copy: a store whose schema is current. */
export interface CopyEndpoint {
  /** Where the store lives, as messages name it (a URL without its password). */
  readonly location: string;
  readonly connection: SqlConnection;
  /** Every column of the store's tables, as `[table, column]` in the order the database's catalog lists them. */
  tableColumns(connection: SqlConnection): Promise<readonly (readonly [string, string])[]>;
  /** Runs `body` on one consistent snapshot of the store (the source, while a pipeline may write). */
  snapshot<T>(body: (connection: SqlConnection) => Promise<T>): Promise<T>;
  /** What the destination does once its rows are in, inside the copy's transaction (PostgreSQL: moves identity sequences past the ids). */
  afterCopy(connection: SqlConnection): Promise<void>;
}

/** Rows copied, by table. */
export interface CopyReport {
  readonly from: string;
  readonly to: string;
  readonly tables: readonly { readonly table: string; readonly rows: number }[];
}

/**
 * The tables of a workspace in the order they are copied (referenced rows first), each
 * with the unique columns its pages are keyed on; `insertion`: the order rows were inserted
 * (a conversation's nodes are read back in that order).
 */
const copiedTables: readonly { readonly table: string; readonly key: readonly string[] | "insertion" }[] = [
  { table: "sessions", key: ["id"] },
  { table: "documents", key: ["hash"] },
  { table: "calls", key: ["id"] },
  { table: "responses", key: ["id"] },
  { table: "failures", key: ["id"] },
  { table: "userdata", key: ["key"] },
  { table: "batches", key: ["id"] },
  { table: "batch_calls", key: ["batch_id", "custom_id"] },
  { table: "conversation_nodes", key: "insertion" },
  { table: "conversation_heads", key: ["agent", "conversation", "branch"] },
  { table: "session_usage", key: ["session", "model", "via_batch"] },
];

/** What the workers of a PostgreSQL store hold while they run (claims, rate windows): not part of a copy. */
const workerStateTables: ReadonlySet<string> = new Set(["claims", "rate_windows", "rate_takes"]);

/** Rows read per page; documents (up to megabytes each) in smaller pages. */
const pageRows = 1000;
const documentPageRows = 50;
/** Values bound per INSERT: under SQLite's limit of 32,766 and PostgreSQL's of 65,535. */
const valuesPerInsert = 30_000;

/**
 * Copies every row of `from` into `to`. Refuses, before writing anything, a destination that
 * holds any row, and a source with a table or column this version does not know to copy.
 */
export async function copyStore(from: CopyEndpoint, to: CopyEndpoint): Promise<CopyReport> {
  return from.snapshot(async (source) => {
    const columns = await columnsToCopy(from, source, to);
    return to.connection.transaction(async (destination) => {
      await checkEmpty(to.location, destination);
      const tables: { table: string; rows: number }[] = [];
      for (const { table, key } of copiedTables) {
        const keyColumns = key === "insertion" ? [source.dialect.insertionOrder] : key;
        const rows = await copyTable(source, destination, table, columns.get(table)!, keyColumns, key === "insertion");
        tables.push({ table, rows });
      }
      await to.afterCopy(destination);
      return { from: from.location, to: to.location, tables };
    });
  });
}

/** Refuses a destination that holds any row (checked before it is opened for writing, and again in the copy's transaction). */
export async function checkEmpty(location: string, destination: SqlConnection): Promise<void> {
  for (const { table } of copiedTables) {
    if ((await destination.get(`SELECT 1 FROM ${table} LIMIT 1`)) === undefined) continue;
    const [sessions] = (await destination.get("SELECT count(*) FROM sessions")) as [number];
    throw new InputError(
      `${location} already holds a workspace (${sessions} session(s)); copy into an empty one (a new directory, database or --pg-schema). Nothing was copied.`,
    );
  }
}

// --- internal ---

/** The columns of each table to copy: the source's, each of which the destination must have. */
async function columnsToCopy(
  from: CopyEndpoint,
  source: SqlConnection,
  to: CopyEndpoint,
): Promise<Map<string, readonly string[]>> {
  const sourceTables = byTable(await from.tableColumns(source));
  const destinationTables = byTable(await to.tableColumns(to.connection));
  const known = new Set(copiedTables.map(({ table }) => table));
  const unknown = [...sourceTables.keys()].filter((table) => !known.has(table) && !workerStateTables.has(table));
  if (unknown.length > 0) {
    throw new InputError(
      `${from.location} has table(s) ${unknown.join(", ")} that this version of pllm copy does not know; copy it with the parallellm that wrote it. Nothing was copied.`,
    );
  }
  const columns = new Map<string, readonly string[]>();
  for (const { table } of copiedTables) {
    // The insertion-order column is the database's own (SQLite's rowid is no column at all).
    const ofSource = (sourceTables.get(table) ?? []).filter((column) => column !== source.dialect.insertionOrder);
    const ofDestination = new Set(destinationTables.get(table) ?? []);
    const missing = ofSource.filter((column) => !ofDestination.has(column));
    if (ofSource.length === 0 || missing.length > 0) {
      throw new InputError(
        `${to.location} cannot take table ${table} of ${from.location}${missing.length > 0 ? ` (it has no column ${missing.join(", ")})` : " (the source has no such table)"}; are both written by this version of parallellm? Nothing was copied.`,
      );
    }
    columns.set(table, ofSource);
  }
  return columns;
}

function byTable(columns: readonly (readonly [string, string])[]): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  for (const [table, column] of columns) tables.set(table, [...(tables.get(table) ?? []), column]);
  return tables;
}

/** Copies one table page by page, in key order; resolves to the rows copied. */
async function copyTable(
  source: SqlConnection,
  destination: SqlConnection,
  table: string,
  columns: readonly string[],
  key: readonly string[],
  keyIsExtra: boolean,
): Promise<number> {
  const selected = keyIsExtra ? [...key, ...columns] : columns;
  const keyAt = key.map((column) => selected.indexOf(column));
  const order = key.join(", ");
  const after = key.length === 1 ? `${key[0]} > ?` : `(${order}) > (${key.map(() => "?").join(", ")})`;
  const limit = table === "documents" ? documentPageRows : pageRows;
  const chunkRows = Math.max(1, Math.floor(valuesPerInsert / columns.length));
  let last: SqlRow | undefined;
  let copied = 0;
  for (;;) {
    const page = await source.all(
      `SELECT ${selected.join(", ")} FROM ${table} ${last === undefined ? "" : `WHERE ${after}`} ORDER BY ${order} LIMIT ${limit}`,
      last === undefined ? [] : keyAt.map((at) => last![at] as SqlValue),
    );
    if (page.length === 0) return copied;
    const values = keyIsExtra ? page.map((row) => row.slice(key.length)) : page;
    for (let start = 0; start < values.length; start += chunkRows) {
      const chunk = values.slice(start, start + chunkRows);
      const placeholders = `(${columns.map(() => "?").join(", ")})`;
      await destination.run(
        `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${chunk.map(() => placeholders).join(", ")}`,
        chunk.flat() as SqlValue[],
      );
    }
    copied += page.length;
    last = page.at(-1);
    if (page.length < limit) return copied;
  }
}
