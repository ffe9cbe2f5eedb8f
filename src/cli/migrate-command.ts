/**
 * `pllm migrate [dir]`: upgrade a workspace written by an older parallellm to
 * this version's schema, so the read-only commands can read it. Takes the
 * workspace lock; a store that is not ours, or is newer, is refused untouched.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import { defineCommand } from "citty";
import { InputError } from "../core/errors.js";
import { sqliteMigrations } from "../store/sqlite/sqlite-migrations.js";
import { createSqliteStore } from "../store/sqlite/sqlite-store.js";
import { printJson, workspaceArgs } from "./workspace-args.js";

export const migrateCommand = defineCommand({
  meta: { name: "migrate", description: "Upgrade a workspace to this version's schema (takes the workspace lock)" },
  args: { dir: workspaceArgs.dir, json: workspaceArgs.json },
  async run({ args }) {
    const directory = String(args.dir);
    const path = join(resolve(directory), "store.sqlite");
    if (!existsSync(path)) {
      throw new InputError(
        `There is no workspace at ${directory} (no store.sqlite there). Check the path, or run a pipeline there first.`,
      );
    }
    const from = schemaOf(path);
    // Opening for writing refuses what is not a store or is newer, and migrates the rest.
    await (await createSqliteStore(path, { lock: "fail" })).close();
    const to = sqliteMigrations.length;
    if (args.json) printJson({ location: path, from, to, migrated: from !== to });
    else {
      process.stdout.write(
        from === to
          ? `${path} is at schema ${to} already; nothing to do.\n`
          : `Upgraded ${path} from schema ${from} to ${to}.\n`,
      );
    }
  },
});

/** The schema version a store file says it has; 0 for what is not a SQLite database (the open refuses it). */
function schemaOf(path: string): number {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      return Number(db.pragma("user_version", { simple: true }));
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}
