/**
 * The PostgreSQL store: the SQL store's logic over a `pg` pool, for a team's
 * shared cache and for many workers of one pipeline. The schema is created or
 * upgraded at first use, under an advisory lock, so workers that start at once
 * migrate once. `pg` is an optional dependency: only this module loads it.
 */
import pg from "pg";
import { StoreError } from "../../core/errors.js";
import { SqlStore } from "../sql/sql-store.js";
import type {
  AgentAnswers,
  CallKey,
  ClaimOutcome,
  ResponseRecord,
  SessionInfo,
  StoredAnswer,
  WindowTake,
} from "../store.js";
import { PostgresBulkAnswers } from "./postgres-bulk-answers.js";
import * as claims from "./postgres-claims.js";
import { PostgresConnection, postgresTypes, useDriverTypes } from "./postgres-connection.js";
import { postgresError, redactedUrl } from "./postgres-errors.js";
import { insertAnswers } from "./postgres-insert-answers.js";
import { withAdvisoryLock } from "./postgres-locks.js";
import { postgresMigrations } from "./postgres-migrations.js";
import { takeFromWindows } from "./postgres-rate-windows.js";
import { SessionLiveness } from "./postgres-session-liveness.js";
import { takenCalls } from "./postgres-taken-calls.js";

useDriverTypes(pg);

export interface PostgresStoreOptions {
  /**
   * The PostgreSQL schema (namespace) holding the store's tables, created if missing; with a
   * pool you pass, the pool's own search path decides instead.
   * @default "public"
   */
  readonly schema?: string | undefined;
  /** Connections the store's own pool opens at most (2 and up: a lock among workers holds one). @default 10 */
  readonly maxConnections?: number | undefined;
}

export class PostgresStore extends SqlStore {
  readonly #ready: Promise<number | undefined>;
  readonly #bulk: PostgresBulkAnswers;
  readonly #connection: PostgresConnection;
  readonly #liveness: SessionLiveness;

  /** With `reopen`, the store owns `pool` (see `PostgresConnection`). */
  constructor(pool: pg.Pool, location: string, reopen: (() => pg.Pool) | undefined, schema: string | undefined) {
    const ready = migratePostgres(pool, location, schema);
    const connection = new PostgresConnection(
      pool,
      location,
      ready.then(() => {}),
      reopen,
    );
    super(connection, location);
    this.#ready = ready;
    this.#bulk = new PostgresBulkAnswers(connection);
    this.#connection = connection;
    this.#liveness = new SessionLiveness((pool as pg.Pool & { options: pg.ClientConfig }).options);
    // Surfaced by the first statement; not an unhandled rejection meanwhile.
    ready.catch(() => {});
  }

  /** The session is marked running (readers on any machine see it) until it ends or the store closes. */
  override async beginSession(info: SessionInfo): Promise<number> {
    const session = await super.beginSession(info);
    await this.#liveness.hold(session);
    return session;
  }

  override async endSession(session: number, summary: unknown): Promise<void> {
    await super.endSession(session, summary);
    await this.#liveness.release();
  }

  override async close(): Promise<void> {
    await this.#liveness.release();
    await super.close();
  }

  /** A group commit in one statement. */
  protected override storeAnswers(records: readonly ResponseRecord[]): Promise<number[]> {
    return insertAnswers(this.#connection, records);
  }

  /** The lookups of one turn of the event loop are read in one statement. */
  override lookup(key: CallKey): Promise<StoredAnswer | undefined> {
    return this.#bulk.lookup(key);
  }

  /** The answers of the agents asked for in one turn of the event loop, in one statement. */
  agentAnswers(agent: string): Promise<AgentAnswers> {
    return this.#bulk.agentAnswers(agent);
  }

  claimCalls(
    keys: readonly CallKey[],
    holder: number,
    leaseMs: number,
    most?: number,
  ): Promise<readonly ClaimOutcome[]> {
    return claims.claimCalls(this.#connection, keys, holder, leaseMs, most);
  }

  renewClaims(holder: number, leaseMs: number): Promise<void> {
    return claims.renewClaims(this.#connection, holder, leaseMs);
  }

  releaseClaims(keys: readonly CallKey[], holder: number): Promise<void> {
    return claims.releaseClaims(this.#connection, keys, holder);
  }

  /** Resolves once the schema is in place: to the version it was upgraded from, or `undefined` when it was current or new. */
  get migrated(): Promise<number | undefined> {
    return this.#ready;
  }

  /** Held on a connection of its own (an advisory lock): a worker that dies releases it at once. */
  async withLock<T>(lock: string, wait: boolean, body: () => Promise<T>): Promise<{ readonly value: T } | undefined> {
    // The lock is keyed by the store's schema, which the migration creates.
    await this.#ready;
    return withAdvisoryLock(this.#connection, this.location, lock, wait, body);
  }

  takenCalls(keys: readonly CallKey[]): Promise<ReadonlySet<string>> {
    return takenCalls(this.#connection, keys);
  }

  takeFromWindows(takes: readonly WindowTake[]): Promise<number> {
    return takeFromWindows(this.#connection, takes);
  }
}

/**
 * A store in a PostgreSQL database, given its URL or a `pg` pool (which the store then does not end).
 * Given a URL, the store opens its own pool; `close()` ends it, and the store opens a new one when
 * used again, so one store serves run after run (`Parallellm.run(dir, { store }, pipeline, { untilDone: true })`).
 *
 * @example
 * await using pllm = await Parallellm.open(".pllm/run", { store: postgresStore(process.env.PARALLELLM_PG_URL) });
 */
export function postgresStore(
  connection: string | pg.Pool | undefined,
  options: PostgresStoreOptions = {},
): PostgresStore {
  checkOptions(options);
  if (connection instanceof pg.Pool) {
    return new PostgresStore(connection, "a PostgreSQL pool", undefined, undefined);
  }
  if (typeof connection !== "string" || connection.trim() === "") {
    throw new StoreError(
      `postgresStore(url) takes a connection URL (postgres://user@host:port/database) or a pg Pool, got ${connection === undefined ? "undefined (is PARALLELLM_PG_URL set?)" : typeof connection}.`,
    );
  }
  const schema = options.schema ?? "public";
  const location = redactedUrl(connection);
  const openPool = () => createPostgresPool(connection, options);
  return new PostgresStore(openPool(), location, openPool, schema);
}

/** A pool of connections to `url` whose tables are those of `options.schema` (default `public`). */
export function createPostgresPool(url: string, options: PostgresStoreOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    options: `-c search_path=${quoteIdentifier(options.schema ?? "public")}`,
  });
  // An idle client's error (the server restarted) surfaces at the next statement instead of crashing the process.
  pool.on("error", () => {});
  return pool;
}

/** Refuses an option `postgresStore` does not take, and a schema name that is not a plain identifier. */
export function checkOptions(options: PostgresStoreOptions): void {
  const known = new Set(["schema", "maxConnections"]);
  const unknown = Object.keys(options).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new StoreError(
      `postgresStore does not take ${unknown.map((name) => `"${name}"`).join(", ")}; it takes schema and maxConnections.`,
    );
  }
  const connections = options.maxConnections;
  if (connections !== undefined && !(Number.isInteger(connections) && connections >= 2)) {
    throw new StoreError(
      `postgresStore({ maxConnections }) takes a whole number from 2 and up (a lock among workers holds one connection while the work under it uses another), got ${String(connections)}.`,
    );
  }
  if (options.schema !== undefined && !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(options.schema)) {
    throw new StoreError(
      `postgresStore({ schema }) takes a plain identifier (letters, digits, _), got ${JSON.stringify(options.schema)}.`,
    );
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Create or upgrade the schema, once among workers that start together: under an advisory lock
 * keyed by the schema, each migration in its own transaction with the version it brings.
 * Resolves to the version upgraded from (`undefined` when the schema was current or new).
 */
export async function migratePostgres(
  pool: pg.Pool,
  location: string,
  schema: string | undefined,
): Promise<number | undefined> {
  const client = await pool.connect().catch((error: unknown) => {
    throw postgresError(error, location);
  });
  const query = (text: string, values: unknown[] = []) =>
    client.query({ text, values, types: postgresTypes, rowMode: "array" });
  try {
    await query("SELECT pg_advisory_lock(hashtext($1))", [`parallellm migrate ${schema ?? ""}`]);
    try {
      if (schema !== undefined) await query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
      const [[versioned, foreign]] = (
        await query(
          `SELECT to_regclass('parallellm_schema') IS NOT NULL,
             to_regclass('calls') IS NOT NULL OR to_regclass('sessions') IS NOT NULL`,
        )
      ).rows as [[boolean, boolean]];
      if (!versioned && foreign) {
        throw new StoreError(
          `${location} already has tables named calls or sessions that are not a parallellm store; they were left untouched. Use another database or postgresStore(url, { schema }).`,
        );
      }
      if (!versioned)
        await query(
          "CREATE TABLE parallellm_schema (version INTEGER NOT NULL); INSERT INTO parallellm_schema VALUES (0)",
        );
      const [[version]] = (await query("SELECT version FROM parallellm_schema")).rows as [[number]];
      if (version > postgresMigrations.length) {
        throw new StoreError(
          `${location} was written by a newer parallellm (schema ${version}; this version knows ${postgresMigrations.length}). Upgrade parallellm to open it; the store was left untouched.`,
        );
      }
      for (let index = version; index < postgresMigrations.length; index++) {
        await query("BEGIN");
        try {
          await client.query(postgresMigrations[index]!);
          await query("UPDATE parallellm_schema SET version = $1", [index + 1]);
          await query("COMMIT");
        } catch (error) {
          await query("ROLLBACK").catch(() => {});
          throw error;
        }
      }
      return version > 0 && version < postgresMigrations.length ? version : undefined;
    } finally {
      await query("SELECT pg_advisory_unlock(hashtext($1))", [`parallellm migrate ${schema ?? ""}`]).catch(() => {});
    }
  } catch (error) {
    throw postgresError(error, location);
  } finally {
    client.release();
  }
}
