/**
 * `pllm copy` between SQLite and PostgreSQL, spawned as real processes: a
 * workspace made by real runs in every strategy copied SQLite → PostgreSQL →
 * SQLite comes back with identical rows in every table; a pipeline rerun on a
 * copy replays everything with nothing sent; bad input is refused in one line
 * with exit code 1, modifying nothing.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Parallellm, type ParallellmOptions } from "../src/index.js";
import { postgresStore } from "../src/postgres.js";
import { postgresCopyDestination, postgresCopySource } from "../src/store/postgres/postgres-copy-endpoint.js";
import { copyStore } from "../src/store/sql/sql-copy.js";
import { sqliteCopyDestination, sqliteCopySource } from "../src/store/sqlite/sqlite-copy-endpoint.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { runPllm, tempWorkspace } from "./helpers.js";
import { fileDigests, makeMixedWorkspace } from "./mixed-workspace.js";
import { adminQuery, describePg, pgUrl, tempSchema } from "./postgres.js";

let server: FakeProviderServer;
let mixed: string;
let scratch: string;
beforeAll(async () => {
  server = await startFakeProviderServer();
  scratch = mkdtempSync(join(tmpdir(), "pllm-copy-"));
  // Kept for the whole file (a test's temporary directories go after each test).
  mixed = join(scratch, "mixed");
  cpSync(await makeMixedWorkspace(server), mixed, { recursive: true });
}, 60_000);
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  await server.close();
});

/** Each test spawns a few pllm processes (about a second each, much more on a busy machine). */
const spawning = 300_000;

const pllm = (...args: string[]) => runPllm(args, { ...process.env, NO_COLOR: "1" });

async function succeeds(...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await pllm(...args);
  expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
  return stdout;
}

/** Every row of every table of the SQLite store in `directory`, in key order (conversation nodes as inserted). */
function sqliteRows(directory: string): Record<string, unknown[]> {
  const db = new Database(join(directory, "store.sqlite"), { readonly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all() as string[];
    return Object.fromEntries(
      tables.map((table) => [
        table,
        db
          .prepare(`SELECT * FROM ${table} ORDER BY ${table === "conversation_nodes" ? "rowid" : "1, 2, 3"}`)
          .raw()
          .all(),
      ]),
    );
  } finally {
    db.close();
  }
}

/** The workspace's files, but SQLite's write-ahead log and index, which a reader may make or remove. */
function storeDigests(directory: string): Map<string, string> {
  return new Map([...fileDigests(directory)].filter(([name]) => !/^store\.sqlite-(wal|shm)$/.test(name)));
}

describePg("pllm copy", () => {
  it(
    "copies SQLite → PostgreSQL → SQLite with identical rows in every table",
    async () => {
      const schema = tempSchema();
      const text = await succeeds("copy", mixed, pgUrl!, "--pg-schema", schema);
      expect(text).toMatch(/^Copied [\d,]+ row\(s\) from .*store\.sqlite to postgres:/);
      const back = join(scratch, "back");
      const report = JSON.parse(await succeeds("copy", pgUrl!, back, "--pg-schema", schema, "--json")) as {
        tables: { table: string; rows: number }[];
      };
      const rows = sqliteRows(back);
      expect(rows).toEqual(sqliteRows(mixed));
      expect(Object.fromEntries(report.tables.map(({ table, rows }) => [table, rows]))).toEqual(
        Object.fromEntries(Object.entries(rows).map(([table, list]) => [table, list.length])),
      );
      for (const table of ["calls", "responses", "failures", "batches", "conversation_nodes", "documents"]) {
        expect(rows[table]!.length, table).toBeGreaterThan(0);
      }
    },
    spawning,
  );

  it(
    "gives a copy a pipeline reruns with nothing sent, and whose ids go on after the copied ones",
    async () => {
      const directory = tempWorkspace();
      const options = {
        clients: server.clientsFor(),
        summary: false,
        strategy: "async",
        llm: "gpt-4.1-mini",
      } satisfies ParallellmOptions;
      const pipeline = (pllm: Parallellm) =>
        pllm.forEach(
          Array.from({ length: 20 }, (_, index) => index),
          (index) => `item-${index}`,
          (index, agent) => agent.ask(`Count to ${index}.`).text(),
        );
      const first = await Parallellm.run(directory, options, pipeline);
      const schema = tempSchema();
      await succeeds("copy", directory, pgUrl!, "--pg-schema", schema);
      const back = join(scratch, "rerun-back");
      await succeeds("copy", pgUrl!, back, "--pg-schema", schema);
      const sent = server.requests.length;
      const onPostgres = await Parallellm.run(
        tempWorkspace(),
        { ...options, store: postgresStore(pgUrl, { schema }) },
        pipeline,
      );
      const onSqlite = await Parallellm.run(back, options, pipeline);
      expect(server.requests.length).toBe(sent);
      expect(onPostgres.result).toEqual(first.result);
      expect(onSqlite.result).toEqual(first.result);
      // The sessions those reruns opened took the next ids, past the copied ones.
      expect(onPostgres.summary.session).toBe(first.summary.session + 1);
      expect(onSqlite.summary.session).toBe(first.summary.session + 1);
    },
    spawning,
  );

  it(
    "refuses a destination that holds a workspace, in one line, copying nothing",
    async () => {
      const schema = tempSchema();
      await succeeds("copy", mixed, pgUrl!, "--pg-schema", schema);
      const count = async () => (await adminQuery(`SELECT count(*) FROM ${schema}.calls`))[0]![0];
      const before = await count();
      const again = await pllm("copy", mixed, pgUrl!, "--pg-schema", schema);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/^pllm: InputError: .* already holds a workspace \(6 session\(s\)\).*\n$/);
      expect(await count()).toBe(before);

      const digests = storeDigests(mixed);
      const back = await pllm("copy", pgUrl!, mixed, "--pg-schema", schema);
      expect(back.code).toBe(1);
      expect(back.stderr).toMatch(/^pllm: InputError: .*store\.sqlite already holds a workspace.*\n$/);
      expect(storeDigests(mixed)).toEqual(digests);
    },
    spawning,
  );
});

describePg("copyStore", () => {
  it("copies text holding U+0000 and U+0001 both ways unchanged", async () => {
    server.script({ match: "Say nothing.", reply: "a\u0000b\u0001c\u0001\u0002d" });
    const directory = tempWorkspace();
    await Parallellm.run(
      directory,
      { clients: server.clientsFor(), summary: false, llm: "gpt-4.1-mini" },
      async (pllm) => {
        await pllm.agent("nul\u0001agent", (agent) => agent.ask("Say nothing.").text());
        await pllm.save("nul\u0000key", "x\u0000y");
      },
    );
    const schema = tempSchema();
    const from = sqliteCopySource(directory);
    const to = await postgresCopyDestination({ url: pgUrl!, schema });
    await copyStore(from, to);
    await Promise.all([from.close(), to.close()]);
    const back = join(scratch, "nul-back");
    const source = await postgresCopySource({ url: pgUrl!, schema });
    const destination = await sqliteCopyDestination(back);
    await copyStore(source, destination);
    await Promise.all([source.close(), destination.close()]);
    const rows = sqliteRows(back);
    expect(rows).toEqual(sqliteRows(directory));
    expect(JSON.stringify(rows)).toContain("a\\u0000b\\u0001c\\u0001\\u0002d");
  });
});

describe("pllm copy, refused", () => {
  it(
    "refuses a source that is no workspace, and an unreachable server without its password, creating nothing",
    async () => {
      const nowhere = join(scratch, "nowhere");
      const noSource = await pllm("copy", nowhere, join(scratch, "never"));
      expect(noSource.code).toBe(1);
      expect(noSource.stderr).toMatch(/^pllm: InputError: There is no workspace at .*nowhere.*\n$/);

      const unreachable = "postgres://someone:hunter2secret@127.0.0.1:1/nothing";
      const toServer = await pllm("copy", mixed, unreachable);
      const fromServer = await pllm("copy", unreachable, join(scratch, "never"));
      for (const { code, stderr } of [toServer, fromServer]) {
        expect(code).toBe(1);
        expect(stderr).toMatch(
          /^pllm: StoreError: Cannot reach the PostgreSQL store at postgres:\/\/someone:\*\*\*@127\.0\.0\.1:1\/nothing.*\n$/,
        );
        expect(stderr).not.toContain("hunter2secret");
      }
      expect(existsSync(join(scratch, "never"))).toBe(false);
      expect(existsSync(nowhere)).toBe(false);
    },
    spawning,
  );
});
