/**
 * A SQLite workspace as one end of `pllm copy`: read from the file opened
 * read-only, in one read transaction (one snapshot while a pipeline writes);
 * written under the workspace lock into a store created (or found empty) there.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { SqlConnection } from "../sql/sql-connection.js";
import { type CopyEndpoint, checkEmpty } from "../sql/sql-copy.js";
import { openSqliteDatabase } from "./open-sqlite-database.js";
import { SqliteConnection } from "./sqlite-connection.js";
import { openReadOnly } from "./sqlite-reader-open.js";
import { acquireWorkspaceLock } from "./workspace-lock.js";

/** The workspace in `directory` to copy from (it must exist, at this version's schema). */
export function sqliteCopySource(directory: string): CopyEndpoint & { close(): Promise<void> } {
  const path = join(resolve(directory), "store.sqlite");
  const db = openReadOnly(path, directory);
  const connection = new SqliteConnection(db, path);
  return {
    location: path,
    connection,
    tableColumns,
    snapshot: async (body) => {
      db.exec("BEGIN");
      try {
        return await body(connection);
      } finally {
        db.exec("COMMIT");
      }
    },
    afterCopy: async () => {},
    close: () => connection.close(),
  };
}

/**
 * The workspace in `directory` to copy into, created when it has no store; a store there
 * is checked (a parallellm store of this schema) before anything is written, and locked.
 */
export async function sqliteCopyDestination(directory: string): Promise<CopyEndpoint & { close(): Promise<void> }> {
  const path = join(resolve(directory), "store.sqlite");
  if (existsSync(path)) {
    const existing = new SqliteConnection(openReadOnly(path, directory), path);
    try {
      await checkEmpty(path, existing);
    } finally {
      await existing.close();
    }
  }
  mkdirSync(resolve(directory), { recursive: true });
  const lock = await acquireWorkspaceLock(`${path}.lock`, { mode: "fail" });
  try {
    const connection = new SqliteConnection(openSqliteDatabase(path).db, path);
    return {
      location: path,
      connection,
      tableColumns,
      snapshot: (body) => connection.transaction(body),
      afterCopy: async () => {},
      close: async () => {
        try {
          await connection.close();
        } finally {
          lock.release();
        }
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

// --- internal ---

function tableColumns(connection: SqlConnection): Promise<[string, string][]> {
  return connection.all(
    `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
     WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY m.name, p.cid`,
  ) as Promise<[string, string][]>;
}
