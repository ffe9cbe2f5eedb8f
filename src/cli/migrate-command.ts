/**
 * `pllm migrate [dir]`: upgrade a workspace written by an older parallellm to
 * this version's schema, so the read-only commands can read it. Takes the
 * workspace lock (with `--pg`, PostgreSQL's advisory lock of migrations); a
 * store that is not ours, or is newer, is refused untouched.
 */
import { join, resolve } from "node:path";
import { defineCommand } from "citty";
import { sqliteMigrations } from "../store/sqlite/sqlite-migrations.js";
import { checkWorkspaceExists } from "../store/sqlite/sqlite-reader-open.js";
import { createSqliteStore } from "../store/sqlite/sqlite-store.js";
import { importPostgres, postgresArgs, postgresTargetOf, printJson, workspaceArgs } from "./workspace-args.js";

export const migrateCommand = defineCommand({
  meta: { name: "migrate", description: "Upgrade a workspace to this version's schema (takes the workspace lock)" },
  args: { dir: workspaceArgs.dir, ...postgresArgs, json: workspaceArgs.json },
  async run({ args }) {
    const target = postgresTargetOf(args);
    if (target !== undefined) {
      const postgres = await importPostgres(() => import("../store/postgres/postgres-open.js"));
      const { postgresMigrations } = await import("../store/postgres/postgres-migrations.js");
      report(
        args.json === true,
        postgres.describeTarget(target),
        await postgres.migratePostgresStore(target),
        postgresMigrations.length,
      );
      return;
    }
    const directory = String(args.dir);
    const path = join(resolve(directory), "store.sqlite");
    checkWorkspaceExists(path, directory);
    // Opening for writing, under the lock, refuses what is not a store or is newer, and migrates the rest.
    const store = await createSqliteStore(path, { lock: "fail" });
    const from = store.migratedFrom;
    await store.close();
    report(args.json === true, path, from, sqliteMigrations.length);
  },
});

/** What the upgrade did, as `--json` or a line. */
function report(json: boolean, location: string, from: number | undefined, to: number): void {
  if (json) printJson({ location, from: from ?? to, to, migrated: from !== undefined });
  else {
    process.stdout.write(
      from === undefined
        ? `${location} is at schema ${to} already; nothing to do.\n`
        : `Upgraded ${location} from schema ${from} to ${to}.\n`,
    );
  }
}
