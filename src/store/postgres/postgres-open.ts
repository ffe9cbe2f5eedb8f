/**
 * Opening a PostgreSQL store without a session, for the `pllm` commands:
 * to read it (the schema checked, nothing created or migrated), or to write
 * it (created or migrated at first use, as `postgresStore` does).
 */
import type pg from "pg";
import { InputError, StoreError } from "../../core/errors.js";
import { PostgresConnection, postgresTypes } from "./postgres-connection.js";
import { postgresError, redactedUrl } from "./postgres-errors.js";
import { postgresMigrations } from "./postgres-migrations.js";
import {
  checkOptions,
  createPostgresPool,
  migratePostgres,
  type PostgresStore,
  postgresStore,
} from "./postgres-store.js";

/** A store at a URL, in a schema (default `public`). */
export interface PostgresTarget {
  readonly url: string;
  readonly schema?: string | undefined;
}

/** A connection to a store, the pool under it (ended by `connection.close()`) and where it is, without the password. */
export interface OpenedPostgres {
  readonly connection: PostgresConnection;
  readonly pool: pg.Pool;
  readonly location: string;
}

/**
 * `read`: every statement waits for a check that the store exists and has this version's
 * schema (refused with what to do otherwise); `write`: for its creation or upgrade.
 */
export function openPostgres(target: PostgresTarget, access: "read" | "write"): OpenedPostgres {
  checkOptions({ schema: target.schema });
  const openPool = () => createPostgresPool(target.url, { schema: target.schema, maxConnections: 4 });
  const pool = openPool();
  const location = describeTarget(target);
  const ready =
    access === "read"
      ? checkStoreSchema(pool, location)
      : migratePostgres(pool, location, target.schema ?? "public").then(() => {});
  // Surfaced by the first statement; not an unhandled rejection meanwhile.
  ready.catch(() => {});
  return { connection: new PostgresConnection(pool, location, ready, openPool), pool, location };
}

/** The URL without its password, and the schema when it is not `public`. */
export function describeTarget(target: PostgresTarget): string {
  const url = redactedUrl(target.url);
  return target.schema === undefined || target.schema === "public" ? url : `${url} (schema ${target.schema})`;
}

/**
 * The version of the store's schema, or `undefined` when the schema holds no store.
 * Refuses a schema newer than this version's.
 */
export async function storeVersion(pool: pg.Pool, location: string): Promise<number | undefined> {
  try {
    const [[exists]] = (
      await pool.query({ text: "SELECT to_regclass('parallellm_schema') IS NOT NULL", rowMode: "array" })
    ).rows as [[boolean]];
    if (!exists) return undefined;
    const [[version]] = (
      await pool.query({ text: "SELECT version FROM parallellm_schema", rowMode: "array", types: postgresTypes })
    ).rows as [[number]];
    if (version > postgresMigrations.length) {
      throw new StoreError(
        `${location} was written by a newer parallellm (schema ${version}; this version knows ${postgresMigrations.length}). Upgrade parallellm to read it; the store was left untouched.`,
      );
    }
    return version;
  } catch (error) {
    throw postgresError(error, location);
  }
}

// --- internal ---

async function checkStoreSchema(pool: pg.Pool, location: string): Promise<void> {
  const version = await storeVersion(pool, location);
  if (version === undefined) throw noWorkspace(location);
  if (version < postgresMigrations.length) {
    // Reading an old schema would mean a second copy of every query per version; pllm migrate upgrades it.
    throw new StoreError(
      `${location} was written by an older parallellm (schema ${version}; this version reads ${postgresMigrations.length}). Upgrade it with pllm migrate --pg, then read it; it was left untouched.`,
    );
  }
}

/**
 * The store at `target` to change (`pllm retry`, `batches --cancel`): refused, untouched, when
 * there is none or it is of another schema; PostgreSQL has no workspace lock, as workers share it.
 */
export async function openExistingPostgresStore(target: PostgresTarget): Promise<PostgresStore> {
  const reading = openPostgres(target, "read");
  try {
    await reading.connection.get("SELECT 1");
  } finally {
    await reading.connection.close();
  }
  return postgresStore(target.url, { schema: target.schema });
}

/**
 * Upgrades the store at `target` to this version's schema (`pllm migrate --pg`), under the
 * advisory lock workers take; refuses a schema without a store. Resolves to the version it
 * had when older, else `undefined`.
 */
export async function migratePostgresStore(target: PostgresTarget): Promise<number | undefined> {
  checkOptions({ schema: target.schema });
  const pool = createPostgresPool(target.url, { schema: target.schema, maxConnections: 1 });
  const location = describeTarget(target);
  try {
    if ((await storeVersion(pool, location)) === undefined) throw noWorkspace(location);
    return await migratePostgres(pool, location, target.schema ?? "public");
  } finally {
    await pool.end();
  }
}

function noWorkspace(location: string): InputError {
  return new InputError(
    `There is no workspace at ${location} (no parallellm store there). Check the URL and --pg-schema, or run a pipeline there first.`,
  );
}
