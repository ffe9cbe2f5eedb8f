/**
 * The store of an existing workspace for the commands that change it (`pllm
 * retry`, `batches --cancel`): the SQLite file of `[dir]` (under the workspace
 * lock), or with `--pg` the PostgreSQL store, each refused untouched when there
 * is no workspace.
 */
import { openWorkspaceStore } from "../store/sqlite/open-workspace-store.js";
import type { Store } from "../store/store.js";
import { importPostgres, postgresTargetOf } from "./workspace-args.js";

/** `read` (a dry run) opens a SQLite store read-only, without the lock. */
export async function openStoreOf(
  args: { readonly dir?: unknown; readonly pg?: unknown; readonly "pg-schema"?: unknown },
  access: "change" | "read",
): Promise<Store & { close(): Promise<void> }> {
  const target = postgresTargetOf(args);
  if (target === undefined) return openWorkspaceStore(String(args.dir ?? "."), access);
  const { openExistingPostgresStore } = await importPostgres(() => import("../store/postgres/postgres-open.js"));
  return openExistingPostgresStore(target);
}
