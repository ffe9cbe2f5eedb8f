/**
 * `pllm migrate [dir]`: upgrade a workspace written by an older parallellm to
 * this version's schema, so the read-only commands can read it. Takes the
 * workspace lock; a store that is not ours, or is newer, is refused untouched.
 */
import { join, resolve } from "node:path";
import { defineCommand } from "citty";
import { sqliteMigrations } from "../store/sqlite/sqlite-migrations.js";
import { checkWorkspaceExists } from "../store/sqlite/sqlite-reader-open.js";
import { createSqliteStore } from "../store/sqlite/sqlite-store.js";
import { printJson, workspaceArgs } from "./workspace-args.js";

export const migrateCommand = defineCommand({
  meta: { name: "migrate", description: "Upgrade a workspace to this version's schema (takes the workspace lock)" },
  args: { dir: workspaceArgs.dir, json: workspaceArgs.json },
  async run({ args }) {
    const directory = String(args.dir);
    const path = join(resolve(directory), "store.sqlite");
    checkWorkspaceExists(path, directory);
    // Opening for writing, under the lock, refuses what is not a store or is newer, and migrates the rest.
    const store = await createSqliteStore(path, { lock: "fail" });
    const from = store.migratedFrom;
    await store.close();
    const to = sqliteMigrations.length;
    if (args.json) printJson({ location: path, from: from ?? to, to, migrated: from !== undefined });
    else {
      process.stdout.write(
        from === undefined
          ? `${path} is at schema ${to} already; nothing to do.\n`
          : `Upgraded ${path} from schema ${from} to ${to}.\n`,
      );
    }
  },
});
