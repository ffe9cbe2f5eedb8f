/**
 * `pllm migrate`: a workspace written by an older parallellm (schema 8, before
 * retries and raw responses were stored) is refused by the read commands with
 * what to do, upgraded once under the lock, and read afterwards.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect, it } from "vitest";
import { Parallellm } from "../src/index.js";
import { MockProvider } from "../src/testing/index.js";
import { runPllm, tempDirectory, tempWorkspace } from "./helpers.js";

const pllm = (...args: string[]) => runPllm(args, { ...process.env, NO_COLOR: "1" });

it("upgrades a schema-8 workspace that status refused, once; refuses what is not a store, untouched", async () => {
  const directory = tempWorkspace();
  await Parallellm.run(directory, { llm: "mock-1", providers: { mock: new MockProvider() }, summary: false }, (run) =>
    run.agent("a", (agent) => agent.ask("Say hello.").text()),
  );
  const store = join(directory, "store.sqlite");
  const db = new Database(store);
  db.exec(`
    ALTER TABLE failures DROP COLUMN retried_at;
    ALTER TABLE responses DROP COLUMN raw;
    ALTER TABLE responses DROP COLUMN vector;
    DROP TABLE session_usage;
    DROP INDEX calls_answered_by_model;
    DROP INDEX calls_unanswered;
    PRAGMA user_version = 8;
  `);
  db.close();

  const refused = await pllm("status", directory);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/written by an older parallellm \(schema 8; .*Upgrade it with pllm migrate/);

  const migrated = await pllm("migrate", directory, "--json");
  expect({ code: migrated.code, stderr: migrated.stderr }).toEqual({ code: 0, stderr: "" });
  expect(JSON.parse(migrated.stdout)).toEqual({ location: store, from: 8, to: expect.any(Number), migrated: true });
  expect(JSON.parse(migrated.stdout).to).toBeGreaterThan(8);
  expect((await pllm("status", directory)).code).toBe(0);
  expect((await pllm("migrate", directory)).stdout).toMatch(/is at schema \d+ already; nothing to do\./);

  const notAStore = join(tempDirectory(), "store.sqlite");
  writeFileSync(notAStore, "just text");
  const refusedFile = await pllm("migrate", join(notAStore, ".."));
  expect(refusedFile.code).toBe(1);
  expect(refusedFile.stderr).toMatch(/^pllm: StoreError: .*not a parallellm store.*left untouched/);
  expect(readFileSync(notAStore, "utf8")).toBe("just text");
  expect((await pllm("migrate", join(tempDirectory(), "none"))).stderr).toMatch(/There is no workspace at/);
}, 120_000);
