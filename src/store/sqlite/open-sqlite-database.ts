/**
 * Open (creating if needed) and migrate a SQLite store file, refusing files that
 * are not ours or come from a newer schema, and set it up for WAL and fast replays.
 */
import { existsSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { StoreError } from "../../core/errors.js";
import { storeError } from "./sqlite-errors.js";
import { sqliteMigrations } from "./sqlite-migrations.js";

/** `PRAGMA application_id` of a parallellm store ("PLLM"). */
export const applicationId = 0x504c4c4d;

/** An open, migrated store database, and the schema it had when it was older than this version's. */
export interface OpenedDatabase {
  readonly db: Database.Database;
  readonly migratedFrom: number | undefined;
}

export function openSqliteDatabase(path: string): OpenedDatabase {
  const existed = existsSync(path) && statSync(path).size > 0;
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: false });
  } catch (error) {
    throw new StoreError(
      `Cannot open the store at ${path}: ${(error as Error).message}. Check that the workspace directory exists and is writable.`,
      { cause: error },
    );
  }
  try {
    const foundId = readPragma(db, "application_id", path);
    const version = readPragma(db, "user_version", path);
    if (existed && foundId !== applicationId) {
      const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master").get() as { n: number };
      if (tables.n > 0 || foundId !== 0) {
        throw new StoreError(
          `${path} is a SQLite database but not a parallellm store; it was left untouched. Open a different workspace directory.`,
        );
      }
    }
    if (version > sqliteMigrations.length) {
      throw new StoreError(
        `${path} was written by a newer parallellm (schema ${version}; this version knows ${sqliteMigrations.length}). Upgrade parallellm to open it; the store was left untouched.`,
      );
    }
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    // Replays are point lookups over the whole store: map it (a replay of 50,000 one-ask
    // agents is ~15% faster than through read calls) and keep a large page cache. Mapped
    // pages count in RSS but are the file's own, given back under memory pressure.
    db.pragma("mmap_size = 1073741824");
    db.pragma("cache_size = -16384");
    const migrate = db.transaction(() => {
      for (let index = version; index < sqliteMigrations.length; index++) db.exec(sqliteMigrations[index]);
      db.pragma(`application_id = ${applicationId}`);
      db.pragma(`user_version = ${sqliteMigrations.length}`);
    });
    if (version < sqliteMigrations.length) migrate();
    return { db, migratedFrom: existed && version < sqliteMigrations.length ? version : undefined };
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    throw storeError(error, path);
  }
}

function readPragma(db: Database.Database, name: string, path: string): number {
  try {
    return Number(db.pragma(name, { simple: true }));
  } catch (error) {
    if ((error as { code?: string }).code === "SQLITE_NOTADB") {
      throw new StoreError(`${path} is not a parallellm store (not a SQLite database); it was left untouched.`, {
        cause: error,
      });
    }
    throw error;
  }
}
