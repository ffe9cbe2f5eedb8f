/**
 * The PostgreSQL store: the SQL store's logic over a `pg` pool, for a team's
 * shared cache and for many workers of one pipeline. The schema is created or
 * upgraded at first use, under an advisory lock, so workers that start at once
 * migrate once. `pg` is an optional dependency: only this module loads it.
 */
import pg from "pg";
import { StoreError } from "../../core/errors.js";
import { SqlStore } from "../sql/sql-store.js";
import type { CallKey, ClaimOutcome } from "../store.js";
import * as claims from "./postgres-claims.js";
import { PostgresConnection, postgresTypes, useDriverTypes } from "./postgres-connection.js";
import { postgresError, redactedUrl } from "./postgres-errors.js";
import { postgresMigrations } from "./postgres-migrations.js";

useDriverTypes(pg);

export interface PostgresStoreOptions {
  /**
   * The PostgreSQL schema (namespace) holding the store's tables, created if missing; with a
   * pool you pass, the pool's own search path decides instead.
   * @default "public"
   */
  readonly schema?: string | undefined;
  /** Connections the store's own pool opens at most. @default 10 */
  readonly maxConnections?: number | undefined;
}

export class PostgresStore extends SqlStore {
  readonly #ready: Promise<number | undefined>;
  readonly #connection: PostgresConnection;

  constructor(pool: pg.Pool, location: string, ownsPool: boolean, schema: string | undefined) {
    const ready = migratePostgres(pool, location, schema);
    const connection = new PostgresConnection(
      pool,
      location,
      ready.then(() => {}),
      ownsPool,
    );
    super(connection, location);
    this.#connection = connection;
    this.#ready = ready;
    // Surfaced by the first statement; not an unhandled rejection meanwhile.
    ready.catch(() => {});
  }

  claimCalls(keys: readonly CallKey[], holder: number, leaseMs: number): Promise<readonly ClaimOutcome[]> {
    return claims.claimCalls(this.#connection, keys, holder, leaseMs);
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
}

/**
 * A store in a PostgreSQL database, given its URL or a `pg` pool (which the store then does not end).
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
    return new PostgresStore(connection, "a PostgreSQL pool", false, undefined);
  }
  if (typeof connection !== "string" || connection.trim() === "") {
    throw new StoreError(
      `postgresStore(url) takes a connection URL (postgres://user@host:port/database) or a pg Pool, got ${connection === undefined ? "undefined (is PARALLELLM_PG_URL set?)" : typeof connection}.`,
    );
  }
  const location = redactedUrl(connection);
  const schema = options.schema ?? "public";
  const pool = new pg.Pool({
    connectionString: connection,
    max: options.maxConnections ?? 10,
    options: `-c search_path=${quoteIdentifier(schema)}`,
  });
  // An idle client's error (the server restarted) surfaces at the next statement instead of crashing the process.
  pool.on("error", () => {});
  return new PostgresStore(pool, location, true, schema);
}

function checkOptions(options: PostgresStoreOptions): void {
  const known = new Set(["schema", "maxConnections"]);
  const unknown = Object.keys(options).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new StoreError(
      `postgresStore does not take ${unknown.map((name) => `"${name}"`).join(", ")}; it takes schema and maxConnections.`,
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
async function migratePostgres(
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
