/**
 * The calls of a SQLite workspace as rows (see `sql-reader-calls.ts`), read
 * with better-sqlite3's synchronous API; statements are prepared once per
 * combination of filters.
 */
import type Database from "better-sqlite3";
import {
  type CallRowValues,
  callRowsStatement,
  checkLimit,
  decodeCursor,
  encodeCursor,
  type ReaderDialect,
  toCallRow,
} from "../sql/sql-reader-calls.js";
import { callKeySql } from "../sql/sql-reader-detail.js";
import type { CallKey } from "../store.js";
import type { CallFilter, CallPage, CallPageOptions, CallRow } from "../workspace-reader.js";

/** SQLite's reader SQL: GLOB, LIKE (case-insensitive for ASCII), text in byte order already. */
export const sqliteReaderDialect: ReaderDialect = {
  glob: (column, pattern) => [`${column} GLOB ?`, pattern],
  startsWith: (column, prefix) => [`${column} GLOB ?`, `${prefix}*`],
  likeInsensitive: "LIKE",
  byteOrder: (column) => column,
  noLimit: -1,
};

/** Reads pages of calls; statements are prepared once per combination of filters. */
export class CallRows {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement<unknown[], unknown>>();

  constructor(db: Database.Database) {
    this.#db = db;
  }

  /** One page of calls that match `options`. */
  page(options: CallPageOptions = {}): CallPage {
    const limit = checkLimit(options.limit);
    const calls = this.#select(options, options.after === undefined ? undefined : decodeCursor(options.after), limit);
    const last = calls.at(-1);
    return { calls, next: calls.length === limit && last ? encodeCursor(last) : undefined };
  }

  /** The row of one call; `undefined` when the workspace has none. */
  one(key: CallKey): CallRow | undefined {
    return this.#select({}, key, 1, true)[0];
  }

  /** The call's row id → its identity. */
  keyOf(id: number): CallKey | undefined {
    const row = this.#db.prepare(callKeySql).get(id) as CallKey | undefined;
    return row && { agent: row.agent, hash: row.hash, occurrence: row.occurrence };
  }

  #select(filter: CallFilter, from: CallKey | undefined, limit: number, exactly = false): CallRow[] {
    const { sql, values } = callRowsStatement(sqliteReaderDialect, filter, from, limit, exactly);
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql).raw(true);
      this.#statements.set(sql, statement);
    }
    const rows = statement.all(...values) as CallRowValues[];
    return rows.map(toCallRow);
  }
}
