/**
 * The `pllm` commands with `--pg`: a workspace made by real runs in every
 * strategy (SQLite), copied to PostgreSQL, reads back the same through every
 * method of the read-only view and the read commands (`--json` output equal but
 * for the store's location), and exports the same files; `migrate --pg`, `retry --pg` and the refusals (no store there,
 * an unreachable server, never with the password) behave as on SQLite.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  type CallPage,
  type CallPageOptions,
  type ConversationRow,
  Parallellm,
  type WorkspaceOverview,
  type WorkspaceReader,
} from "../src/index.js";
import { inspectPostgres } from "../src/postgres.js";
import { postgresMigrations } from "../src/store/postgres/postgres-migrations.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { runPllm, tempWorkspace } from "./helpers.js";
import { makeMixedWorkspace } from "./mixed-workspace.js";
import { describePg, pgUrl, tempSchema } from "./postgres.js";

let server: FakeProviderServer;
let directory: string;
let scratch: string;
beforeAll(async () => {
  server = await startFakeProviderServer();
  scratch = mkdtempSync(join(tmpdir(), "pllm-cli-pg-"));
  directory = join(scratch, "ws");
  cpSync(await makeMixedWorkspace(server), directory, { recursive: true });
}, 60_000);
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await server.close();
});

/** Each test spawns many pllm processes (about a second each, much more on a busy machine). */
const spawning = 600_000;

const pllm = (...args: string[]) => runPllm(args, { ...process.env, NO_COLOR: "1" });

async function output(...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await pllm(...args);
  expect({ args, code, stderr }).toEqual({ args, code: 0, stderr: "" });
  return stdout;
}

/** `--json` output, without the store's location (a path on SQLite, a URL on PostgreSQL). */
async function readJson(...args: string[]): Promise<unknown> {
  const value = JSON.parse(await output(...args, "--json")) as unknown;
  if (value !== null && typeof value === "object" && "location" in value) {
    const { location: _, ...rest } = value as Record<string, unknown>;
    return rest;
  }
  return value;
}

describePg("pllm --pg", () => {
  it(
    "reads a copy on PostgreSQL as the SQLite workspace reads: every reader answer, every export file",
    async () => {
      const schema = tempSchema();
      await output("copy", directory, pgUrl!, "--pg-schema", schema);
      await using onSqlite = await Parallellm.inspect(directory);
      await using onPostgres = await inspectPostgres(pgUrl, { schema });
      const both = async (read: (reader: WorkspaceReader) => Promise<unknown>) => {
        const [fromSqlite, fromPostgres] = [await read(onSqlite), await read(onPostgres)];
        expect(fromPostgres).toEqual(fromSqlite);
        return fromSqlite;
      };
      const filters: CallPageOptions[] = [
        {},
        { limit: 3 },
        { agent: "judge-?" },
        { agent: "classify-*" },
        { agent: "[ej]*" },
        { agent: "[!e]*" },
        { search: "say HELLO" },
        { search: "100%_" },
        { status: "failed" },
        { status: "pending" },
        { provider: "anthropic", model: "claude-sonnet-4-6" },
        { session: 6 },
      ];
      for (const filter of filters) {
        const page = (await both((reader) => reader.calls(filter))) as CallPage;
        if (page.next) await both((reader) => reader.calls({ ...filter, after: page.next }));
      }
      const { calls } = (await both((reader) => reader.calls({ limit: 1000 }))) as CallPage;
      expect(calls.length).toBeGreaterThan(10);
      for (const call of calls) {
        await both((reader) => reader.call(call));
        if (call.id !== undefined) await both((reader) => reader.call(call.id!));
      }
      await both((reader) => reader.overview());
      await both((reader) => reader.overview({ sessions: 2, agents: 3, failures: 0 }));
      await both((reader) => reader.sessions());
      await both((reader) => reader.batches());
      await both((reader) => reader.failures());
      await both((reader) => reader.usage());
      await both((reader) => reader.cost());
      await both((reader) => reader.cost(1));
      await both((reader) => reader.progress());
      const conversations = (await both((reader) => reader.conversations())) as ConversationRow[];
      expect(conversations.length).toBeGreaterThan(0);
      for (const { agent, conversation } of conversations) {
        await both((reader) => reader.conversation(agent, conversation));
      }
      for (const format of ["jsonl", "csv", "parquet"] as const) {
        const [fromSqlite, fromPostgres] = [join(scratch, `sqlite.${format}`), join(scratch, `postgres.${format}`)];
        await both((reader) => reader.export({ format, out: reader === onSqlite ? fromSqlite : fromPostgres }));
        expect(readFileSync(fromPostgres).equals(readFileSync(fromSqlite)), format).toBe(true);
      }

      // The commands read it through --pg.
      const onPg = ["--pg", pgUrl!, "--pg-schema", schema];
      for (const command of [["status"], ["calls", "--agent", "judge-*", "--search", "joke"]]) {
        expect(await readJson(...command, ...onPg)).toEqual(await readJson(...command, directory));
      }
      const raw = calls.find((call) => call.agent === "extract")!;
      const [rawOnSqlite, rawOnPostgres] = await Promise.all([
        pllm("show", String(raw.id), "--raw", directory),
        pllm("show", String(raw.id), "--raw", ...onPg),
      ]);
      expect(rawOnPostgres).toEqual(rawOnSqlite);
      const out = join(scratch, "cli.csv");
      await output("export", ...onPg, "--format", "csv", "--out", out);
      expect(readFileSync(out).equals(readFileSync(join(scratch, "sqlite.csv")))).toBe(true);
    },
    spawning,
  );

  it(
    "migrates, retries and refuses as on SQLite, never printing the password",
    async () => {
      const schema = tempSchema();
      const empty = await pllm("status", "--pg", pgUrl!, "--pg-schema", schema);
      expect(empty.code).toBe(1);
      expect(empty.stderr).toMatch(
        new RegExp(`^pllm: InputError: There is no workspace at postgres://.* \\(schema ${schema}\\).*\\n$`),
      );
      const noMigrate = await pllm("migrate", "--pg", pgUrl!, "--pg-schema", schema);
      expect(noMigrate.code).toBe(1);
      expect(noMigrate.stderr).toMatch(/^pllm: InputError: There is no workspace at /);

      await output("copy", directory, pgUrl!, "--pg-schema", schema);
      const onPg = ["--pg", pgUrl!, "--pg-schema", schema];
      const current = postgresMigrations.length;
      expect(JSON.parse(await output("migrate", ...onPg, "--json"))).toMatchObject({
        from: current,
        to: current,
        migrated: false,
      });
      expect(await output("migrate", ...onPg)).toMatch(
        new RegExp(` is at schema ${current} already; nothing to do\\.\n$`),
      );
      const [dryOnSqlite, dryOnPostgres] = await Promise.all([
        readJson("retry", directory, "--dry-run"),
        readJson("retry", ...onPg, "--dry-run"),
      ]);
      expect(dryOnPostgres).toEqual(dryOnSqlite);
      expect(dryOnPostgres).toMatchObject({ dryRun: true, marked: 1 });
      expect(await readJson("retry", ...onPg)).toMatchObject({ dryRun: false, marked: 1 });
      expect(await readJson("retry", ...onPg, "--dry-run")).toMatchObject({ marked: 0 });

      const secret = "postgres://someone:hunter2secret@127.0.0.1:1/nothing";
      for (const command of [["status"], ["calls"], ["migrate"], ["retry"], ["batches", "--cancel-all"]]) {
        const { code, stderr } = await pllm(...command, "--pg", secret);
        expect([command, code]).toEqual([command, 1]);
        expect(stderr).toMatch(/^pllm: StoreError: Cannot reach the PostgreSQL store at postgres:\/\/someone:\*\*\*@/);
        expect(stderr).not.toContain("hunter2secret");
      }
      const usage = await pllm("status", directory, "--pg-schema", schema);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toMatch(/pllm: --pg-schema needs --pg <url>\.\n$/);
    },
    spawning,
  );

  it(
    "runs a pipeline on the PostgreSQL store with pllm run --wait --pg; a rerun replays it with nothing sent",
    async () => {
      const schema = tempSchema();
      const pipeline = new URL("./fixtures/cli-pipeline.ts", import.meta.url).pathname;
      const env = { ...process.env, NO_COLOR: "1", PLLM_FAKE_URL: server.url, PLLM_TEST_WORKSPACE: tempWorkspace() };
      const onPg = ["--pg", pgUrl!, "--pg-schema", schema];
      server.setBatchBehavior({ completeAfterPolls: 1 });
      const first = await runPllm(["run", pipeline, "--wait", "--poll-interval", "0.05", ...onPg], env);
      expect({ code: first.code, stderr: first.stderr }).toMatchObject({ code: 0 });
      expect(first.stderr).toMatch(/done after \d+ run\(s\): nothing is pending/);
      const overview = (await readJson("status", ...onPg)) as WorkspaceOverview;
      expect(overview.calls).toEqual({ answered: 3, pending: 0, failed: 0, unanswered: 0 });
      const sent = server.requests.length;
      const again = await runPllm(["run", pipeline, ...onPg], env);
      expect(again.code).toBe(0);
      expect(JSON.parse(again.stdout.slice(again.stdout.lastIndexOf('{\n  "topic"'))).lines).toHaveLength(2);
      expect(server.requests.length).toBe(sent);
    },
    spawning,
  );
});
