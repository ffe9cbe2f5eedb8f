/**
 * Opening a SQLite store for reading only: the file opened read-only, so
 * nothing is written, no lock is taken and a pipeline may write meanwhile (WAL
 * readers read a snapshot and never block its writer). A store that is not
 * exactly this library's schema is refused with what to do.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { InputError, StoreError } from "../../core/errors.js";
import { applicationId } from "./open-sqlite-database.js";
import { sqliteMigrations } from "./sqlite-migrations.js";

/**
 * Opens `path` read-only and checks it is a parallellm store of this library's schema.
 * A store no run has open, in a directory this process cannot write, is read into
 * memory whole: SQLite reads a WAL store only through an index file it must create.
 */
export function openReadOnly(path: string, directory: string): Database.Database {
  checkWorkspaceExists(path, directory);
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    // A writer's commit briefly holds the WAL index; wait rather than fail.
    db.pragma("busy_timeout = 5000");
    db.pragma("user_version");
  } catch (error) {
    db?.close();
    const code = (error as { code?: string }).code ?? "";
    if (code === "SQLITE_NOTADB") throw notAStore(path, error);
    if (!["SQLITE_READONLY_DIRECTORY", "SQLITE_CANTOPEN"].includes(code) || existsSync(`${path}-wal`)) {
      throw new StoreError(
        `Cannot open the store at ${path} to read it: ${(error as Error).message}. Check its permissions.`,
        {
          cause: error,
        },
      );
    }
    db = readIntoMemory(path);
  }
  try {
    checkSchema(db, path);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Refuses a `directory` without a store file at `path`, before anything would create one. */
export function checkWorkspaceExists(path: string, directory: string): void {
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new InputError(
      `There is no workspace at ${directory} (no store.sqlite there). Check the path, or run a pipeline there first.`,
    );
  }
}

/** The store's bytes as an in-memory database; refused if a run wrote it meanwhile. */
function readIntoMemory(path: string): Database.Database {
  const before = statSync(path);
  const bytes = readFileSync(path);
  const after = statSync(path);
  if (existsSync(`${path}-wal`) || before.mtimeMs !== after.mtimeMs || before.size !== after.size) {
    throw new StoreError(`The store at ${path} changed while it was read; inspect it again.`);
  }
  // Header bytes 18 and 19 say "WAL"; a copy in memory has no WAL and reads as a rollback-journal database.
  if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) bytes.fill(1, 18, 20);
  try {
    return new Database(bytes, { readonly: true });
  } catch (error) {
    throw notAStore(path, error);
  }
}

function notAStore(path: string, cause: unknown): StoreError {
  return new StoreError(`${path} is not a parallellm store (not a SQLite database); it was left untouched.`, { cause });
}

function checkSchema(db: Database.Database, path: string): void {
  let foundId: number;
  let version: number;
  try {
    foundId = Number(db.pragma("application_id", { simple: true }));
    version = Number(db.pragma("user_version", { simple: true }));
  } catch (error) {
    const code = (error as { code?: string }).code ?? "";
    if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") throw notAStore(path, error);
    throw new StoreError(`Cannot read the store at ${path}: ${(error as Error).message}. Check its permissions.`, {
      cause: error,
    });
  }
  if (foundId !== applicationId) {
    throw new StoreError(`${path} is not a parallellm store; it was left untouched. Inspect a workspace directory.`);
  }
  if (version > sqliteMigrations.length) {
    throw new StoreError(
      `${path} was written by a newer parallellm (schema ${version}; this version knows ${sqliteMigrations.length}). Upgrade parallellm to read it; the store was left untouched.`,
    );
  }
  if (version < sqliteMigrations.length) {
    // Reading an old schema would mean a second copy of every query per version; one open migrates it.
    throw new StoreError(
      `${path} was written by an older parallellm (schema ${version}; this version reads ${sqliteMigrations.length}). Upgrade it with pllm migrate (or open it once with Parallellm.open or pllm run), then read it; it was left untouched.`,
    );
  }
}
