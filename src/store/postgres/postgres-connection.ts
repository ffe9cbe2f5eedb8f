/**
 * A `SqlConnection` over a `pg` pool: the store's `?` placeholders numbered as
 * PostgreSQL wants them (`$1`…), rows as arrays, 64-bit integers and sums as
 * JavaScript numbers, and each transaction on a client of its own.
 */
import type pg from "pg";
import type { SqlConnection, SqlRow, SqlValue } from "../sql/sql-connection.js";
import type { CallKey } from "../store.js";
import { postgresError } from "./postgres-errors.js";

/** Type parsers for this pool only (the `pg` defaults stay as they are for the rest of the process). */
const numberTypes = new Set([20 /* int8 */, 1700 /* numeric */]);
export const postgresTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    numberTypes.has(oid)
      ? (text: string) => Number(text)
      : defaultParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
};
let defaultParser: (oid: number, format?: "text" | "binary") => unknown = () => (text: string) => text;

/** Install `pg`'s own parsers behind `postgresTypes` (loaded with the driver, which is an optional dependency). */
export function useDriverTypes(driver: typeof pg): void {
  defaultParser = driver.types.getTypeParser as typeof defaultParser;
}

/** `?` → `$n`, outside string literals and `--` comments (which may hold a `?` or an apostrophe). */
export function numberPlaceholders(sql: string): string {
  let index = 0;
  let out = "";
  for (let at = 0; at < sql.length; at++) {
    const char = sql[at]!;
    if (char === "'") {
      const end = sql.indexOf("'", at + 1);
      const stop = end === -1 ? sql.length : end + 1;
      out += sql.slice(at, stop);
      at = stop - 1;
    } else if (char === "-" && sql[at + 1] === "-") {
      const end = sql.indexOf("\n", at);
      const stop = end === -1 ? sql.length : end;
      out += sql.slice(at, stop);
      at = stop - 1;
    } else {
      out += char === "?" ? `$${++index}` : char;
    }
  }
  return out;
}

/**
 * PostgreSQL's text cannot hold U+0000, which an answer or a document may: every string goes
 * in with U+0000 as U+0001 U+0002 and U+0001 as U+0001 U+0001, and comes back decoded, so
 * strings round-trip exactly and compare equal to themselves (strings without either are unchanged).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 and U+0001 are the point
const needsEscape = /[\u0000\u0001]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 and U+0001 are the point
const escaped = /[\u0000\u0001]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0001 starts each escape
const escapes = /\u0001([\u0001\u0002])/g;
export function escapeText(text: string): string {
  return needsEscape.test(text)
    ? text.replace(escaped, (char) => (char === "\u0000" ? "\u0001\u0002" : "\u0001\u0001"))
    : text;
}
export function unescapeText(text: string): string {
  return text.includes("\u0001") ? text.replace(escapes, (_, code) => (code === "\u0002" ? "\u0000" : "\u0001")) : text;
}

type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

/** A value bound to a placeholder: the SQL store's, or an array (`?::text[]`) for the bulk statements. */
export type PostgresValue = SqlValue | readonly SqlValue[];

/** Call keys as a table in one statement (three array parameters, however many keys): `FROM ${unnestKeys} AS k (agent, hash, occurrence)`. */
export const unnestKeys = "unnest(?::text[], ?::text[], ?::bigint[])";

/** The parameters of `unnestKeys`. */
export function keyArrays(keys: readonly CallKey[]): PostgresValue[] {
  return [keys.map((key) => key.agent), keys.map((key) => key.hash), keys.map((key) => key.occurrence)];
}

export class PostgresConnection implements SqlConnection {
  readonly dialect = { insertionOrder: "inserted" } as const;
  #pool: pg.Pool;
  /** Ends `#pool` at close and opens a new one at the next statement; `undefined` for a pool the user owns. */
  readonly #reopen: (() => pg.Pool) | undefined;
  #ended = false;
  readonly #location: string;
  readonly #ready: Promise<void>;
  readonly #texts = new Map<string, string>();

  /**
   * `ready` settles once the schema is in place; every statement waits for it. With `reopen`,
   * the connection owns its pool: close ends it, and a statement after close opens another,
   * so a store closed by one run serves the next (`Parallellm.run(..., { untilDone: true })`).
   */
  constructor(pool: pg.Pool, location: string, ready: Promise<void>, reopen: (() => pg.Pool) | undefined) {
    this.#pool = pool;
    this.#location = location;
    this.#ready = ready;
    this.#reopen = reopen;
  }

  async run(sql: string, parameters?: readonly PostgresValue[]): Promise<number> {
    await this.#ready;
    return (await this.#query(this.#openPool(), sql, parameters)).rowCount ?? 0;
  }

  async get(sql: string, parameters?: readonly PostgresValue[]): Promise<SqlRow | undefined> {
    await this.#ready;
    return (await this.#query(this.#openPool(), sql, parameters)).rows[0];
  }

  async all(sql: string, parameters?: readonly PostgresValue[]): Promise<SqlRow[]> {
    await this.#ready;
    return (await this.#query(this.#openPool(), sql, parameters)).rows;
  }

  #openPool(): pg.Pool {
    if (this.#ended && this.#reopen) {
      this.#pool = this.#reopen();
      this.#ended = false;
    }
    return this.#pool;
  }

  async transaction<T>(body: (connection: SqlConnection) => Promise<T>): Promise<T> {
    await this.#ready;
    const client = await this.connect();
    const inside: SqlConnection = {
      dialect: this.dialect,
      run: async (sql, parameters) => (await this.#query(client, sql, parameters)).rowCount ?? 0,
      get: async (sql, parameters) => (await this.#query(client, sql, parameters)).rows[0],
      all: async (sql, parameters) => (await this.#query(client, sql, parameters)).rows,
      transaction: (nested) => nested(inside),
      close: async () => {},
    };
    let broken = false;
    try {
      await this.#query(client, "BEGIN");
      const result = await body(inside);
      await this.#query(client, "COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** A client of the pool for work that needs one session (advisory locks, a transaction); release it after. */
  async connect(): Promise<pg.PoolClient> {
    try {
      return await this.#openPool().connect();
    } catch (error) {
      throw postgresError(error, this.#location);
    }
  }

  async close(): Promise<void> {
    await this.#ready.catch(() => {});
    if (this.#reopen && !this.#ended) {
      this.#ended = true;
      await this.#pool.end();
    }
  }

  async #query(on: Queryable, sql: string, parameters: readonly PostgresValue[] = []) {
    let text = this.#texts.get(sql);
    if (text === undefined) {
      text = numberPlaceholders(sql);
      this.#texts.set(sql, text);
    }
    const values = parameters.map(_escapeValue);
    try {
      const result = await on.query<unknown[]>({ text, values, rowMode: "array", types: postgresTypes });
      for (const row of result.rows) {
        for (let column = 0; column < row.length; column++) {
          const cell = row[column];
          if (typeof cell === "string") row[column] = unescapeText(cell);
        }
      }
      return result as pg.QueryResult<SqlRow & unknown[]>;
    } catch (error) {
      throw postgresError(error, this.#location);
    }
  }
}

// --- internal ---

function _escapeValue(value: PostgresValue): PostgresValue {
  if (typeof value === "string") return escapeText(value);
  return Array.isArray(value) ? value.map((item) => (typeof item === "string" ? escapeText(item) : item)) : value;
}
