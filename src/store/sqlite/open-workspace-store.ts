/**
 * The store of an existing workspace, for the commands that manage it (`pllm
 * retry`, `gc`, `batches --cancel`): refused like the read-only view when there
 * is no workspace, or it is not a store of this schema, before anything is
 * written or locked.
 */
import { join, resolve } from "node:path";
import { openReadOnly } from "./sqlite-reader-open.js";
import { createSqliteStore, SqliteStore } from "./sqlite-store.js";

/**
 * `change`: takes the workspace lock (refused at once while a pipeline holds it)
 * and opens the store for writing. Otherwise (a dry run) opens it read-only,
 * without the lock: a pipeline may write meanwhile, and any write fails.
 */
export async function openWorkspaceStore(directory: string, access: "change" | "read"): Promise<SqliteStore> {
  const path = join(resolve(directory), "store.sqlite");
  const db = openReadOnly(path, directory);
  if (access === "read") return new SqliteStore(path, undefined, { db, migratedFrom: undefined });
  db.close();
  return createSqliteStore(path, { lock: "fail" });
}
