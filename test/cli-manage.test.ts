/**
 * The `pllm` commands that change a workspace, spawned as real processes
 * against workspaces made by real runs (`makeMixedWorkspace`) and the fake
 * provider server: `batches` (list, `--cancel`, `--refresh`), `retry` and `gc`.
 * Each refuses while a pipeline holds the workspace lock, and `--dry-run`
 * changes nothing.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Parallellm, type ParallellmOptions } from "../src/index.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { runPllm, tempWorkspace } from "./helpers.js";
import { fileDigests, judgeJokes, longDocument, makeMixedWorkspace } from "./mixed-workspace.js";

let server: FakeProviderServer;

beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());
beforeEach(() => server.setBatchBehavior({}));

// Each spawns several processes, slow on a busy machine.
const processesTimeout = 180_000;

/** `pllm` with the built-in providers pointed at the fake server through the environment, as a user's keys would be. */
function pllm(args: readonly string[]) {
  return runPllm(args, {
    ...process.env,
    OPENAI_API_KEY: "sk-fake",
    OPENAI_BASE_URL: `${server.url}/v1`,
    ANTHROPIC_API_KEY: "sk-ant-fake",
    ANTHROPIC_BASE_URL: server.url,
    GEMINI_API_KEY: "fake",
    GOOGLE_GEMINI_BASE_URL: server.url,
  });
}

/**
 * Asserts that no file of `directory` changed since `before` (its `fileDigests`). SQLite's
 * shared-memory index (`-shm`) changes as readers come and go, and an empty WAL appears and
 * goes as connections open and close: neither holds data.
 */
function expectUnchanged(directory: string, before: Map<string, string>): void {
  const emptyFile = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  const data = (digests: Map<string, string>) =>
    new Map(
      [...digests].filter(
        ([name, digest]) => !name.endsWith("-shm") && !(name.endsWith("-wal") && digest === emptyFile),
      ),
    );
  expect(data(fileDigests(directory))).toEqual(data(before));
}

/** The options the mixed workspace's runs use. */
function runOptions(llm: string, strategy: NonNullable<ParallellmOptions["strategy"]>): ParallellmOptions {
  return { clients: server.clientsFor(), summary: false, onError: "record", llm, strategy };
}

/** Session 2 of the mixed workspace again: three judges, of which `judge-2` was refused (400). */
function judge(directory: string) {
  return Parallellm.run(directory, runOptions("claude-sonnet-4-6", "async"), judgeJokes);
}

/** The prompts of the Anthropic messages the fake server received since its log was reset. */
function anthropicPrompts(): string[] {
  return server.requests
    .filter((request) => request.provider === "anthropic" && request.path === "/v1/messages")
    .map((request) => JSON.stringify(request.body));
}

describe("pllm batches", () => {
  it(
    "lists every batch; --cancel asks the provider and --refresh ingests what ended, printing what changed",
    async () => {
      server.setBatchBehavior({ completeAfterPolls: 1_000, finishedBeforeEnd: 1 });
      const directory = await makeMixedWorkspace(server);

      const listed = await pllm(["batches", directory, "--json"]);
      expect(listed).toMatchObject({ code: 0, stderr: "" });
      const [batch] = JSON.parse(listed.stdout).batches;
      expect(JSON.parse(listed.stdout).batches).toHaveLength(1);
      expect(batch).toMatchObject({
        id: 1,
        provider: "openai",
        model: "gpt-4.1-mini",
        state: "pending",
        requests: 2,
        answered: 0,
        failed: 0,
        open: 2,
        providerBatchId: expect.any(String),
      });

      const text = await pllm(["batches", directory]);
      expect(text.code).toBe(0);
      const [header, row] = text.stdout.trimEnd().split("\n");
      expect(header).toMatch(/^id\s+tag\s+provider\s+model\s+provider batch id\s+state\s+requests\s+answered/);
      expect(row).toContain(batch.providerBatchId);
      expect(row).toMatch(/pending\s+2\s+0\s+0\s+2\s+(just now|\d+ s ago|\d+ min ago)$/);

      // A batch that is not pending: one line, exit 1, nothing cancelled or written.
      const before = fileDigests(directory);
      const unknown = await pllm(["batches", directory, "--cancel", "7"]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
      expect(unknown.stderr).toContain('No pending batch is "7", so nothing was cancelled.');
      expectUnchanged(directory, before);
      expect(server.requests.some((request) => request.path.endsWith("/cancel"))).toBe(false);

      const cancelled = await pllm(["batches", directory, "--cancel", "1"]);
      expect(cancelled.code).toBe(0);
      expect(cancelled.stdout).toContain("Asked to cancel 1 batch(es)");
      expect(cancelled.stdout).toContain(batch.providerBatchId);
      expect(server.requests.filter((request) => request.path.endsWith("/cancel"))).toHaveLength(1);

      const refreshed = await pllm(["batches", directory, "--refresh", "--json"]);
      expect(refreshed.code).toBe(0);
      const report = JSON.parse(refreshed.stdout);
      // The provider ended it with one request answered: the other is sent again by the next run.
      expect(report.sync).toMatchObject({ ingested: 1, answers: 1, unfinishedRequests: 1, pending: 0 });
      expect(report.changed).toEqual([
        expect.objectContaining({ id: 1, state: "ingested", answered: 1, failed: 1, open: 0 }),
      ]);
      expect(JSON.stringify(refreshed)).not.toContain("sk-fake");
    },
    processesTimeout,
  );
});

describe("pllm retry", () => {
  it(
    "marks the calls that failed for good; the next plain run sends those again and no others",
    async () => {
      const directory = await makeMixedWorkspace(server);
      // Without a retry, a rerun holds judge-2 back.
      server.resetLog();
      await judge(directory);
      expect(anthropicPrompts()).toEqual([]);

      const before = fileDigests(directory);
      const dry = await pllm(["retry", directory, "--dry-run", "--json"]);
      expect(dry.code).toBe(0);
      expect(JSON.parse(dry.stdout)).toMatchObject({
        dryRun: true,
        marked: 1,
        byAgentAndKind: [{ agent: "judge-2", kind: "request-rejected", calls: 1 }],
        calls: [{ agent: "judge-2", kind: "request-rejected", statusCode: 400, message: "No jokes today." }],
      });
      const none = await pllm(["retry", directory, "--agent", "extract*"]);
      expect(none).toMatchObject({ code: 0, stdout: "No call that failed for good matches; nothing was marked.\n" });
      expectUnchanged(directory, before);

      const marked = await pllm(["retry", directory, "--agent", "judge-*", "--kind", "request-rejected"]);
      expect(marked.code).toBe(0);
      expect(marked.stdout).toContain("Marked 1 call(s) that failed for good to be sent again at the next run");
      expect(marked.stdout).toMatch(/\n {2}judge-2\s+request-rejected\s+1\n/);

      server.resetLog();
      await judge(directory);
      const sent = anthropicPrompts();
      expect(sent).toHaveLength(1);
      expect(sent[0]).toContain("Judge joke 2.");

      // The refusal stays in the call's history.
      await using reader = await Parallellm.inspect(directory);
      const [row] = (await reader.calls({ agent: "judge-2" })).calls;
      const detail = await reader.call(row);
      expect(detail).toMatchObject({ status: "answered", attempts: [{ statusCode: 400, kind: "request-rejected" }] });
    },
    processesTimeout,
  );
});

describe("pllm gc", () => {
  it(
    "removes documents nothing refers to and archived files nothing needs; the workspace still replays with 0 sends",
    async () => {
      const directory = await makeMixedWorkspace(server);
      // A preview writes a batch's input and submits nothing: no batch in the store has its tag.
      // Its open ingests the pending batch: that batch's input is no longer needed, its output is kept.
      const preview = { ...runOptions("gpt-4.1-mini", "batch"), batch: { preview: true } };
      await Parallellm.run(directory, preview, (run) =>
        run.agent("preview", (agent) => agent.ask(`Preview this: ${longDocument}`).text()),
      );
      // A document no request refers to, as a store written by hand or by an older version may hold:
      // big enough to take pages of its own, which the store gives back.
      const orphan = "left over ".repeat(5_000);
      const db = new Database(join(directory, "store.sqlite"));
      db.prepare("INSERT INTO documents (hash, size, content) VALUES ('orphan', ?, ?)").run(orphan.length, orphan);
      db.close();
      const archived = readdirSync(join(directory, "batches")).sort();
      expect(archived, JSON.stringify(archived)).toHaveLength(3);
      const [ingestedInput, ingestedOutput] = archived.filter((name) => name.startsWith("pllm-s6-"));
      const [previewInput] = archived.filter((name) => !name.startsWith("pllm-s6-"));

      const before = fileDigests(directory);
      const dry = await pllm(["gc", directory, "--dry-run", "--json"]);
      expect(dry.code).toBe(0);
      const planned = JSON.parse(dry.stdout);
      expectUnchanged(directory, before);

      const done = await pllm(["gc", directory, "--json"]);
      expect(done.code).toBe(0);
      const report = JSON.parse(done.stdout);
      for (const result of [planned, report]) {
        expect(result.documents).toEqual({ count: 1, bytes: orphan.length });
        expect(result.files.removed.map((file: { path: string }) => file.path)).toEqual([
          join("batches", ingestedInput),
          join("batches", previewInput),
        ]);
        expect(result.files.kept).toEqual([
          {
            path: join("batches", ingestedOutput),
            bytes: expect.any(Number),
            reason: "the provider's results as received, for an audit",
          },
        ]);
      }
      expect(planned.dryRun).toBe(true);
      expect(planned.bytesFreed).toBeUndefined();
      expect(report.dryRun).toBe(false);
      expect(report.store.vacuumed).toBe(true);
      expect(report.bytesFreed).toBe(
        report.files.removed.reduce((sum: number, file: { bytes: number }) => sum + file.bytes, 0) +
          report.store.bytesBefore -
          report.store.bytesAfter,
      );
      expect(report.store.bytesAfter).toBeLessThan(report.store.bytesBefore - orphan.length * 0.9);
      expect(readdirSync(join(directory, "batches"))).toEqual([ingestedOutput]);

      const again = await pllm(["gc", directory]);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(
        "Removed 0 stored document(s) no request refers to (0 B of content) and 0 archived batch file(s) (0 B).",
      );
      expect(again.stdout).toMatch(
        /Kept 1 archived batch file\(s\):\n {2}batches\/pllm-s6-\S+\.output\.jsonl\s+[\d.]+ \w?B\s+the provider's results/,
      );
      expect(again.stdout).toMatch(/store\.sqlite: [\d.]+ [KM]?B → [\d.]+ [KM]?B\.\nFreed /);

      // Every document a request refers to is still there: the calls replay, nothing is sent.
      server.resetLog();
      const replayed = await Parallellm.run(directory, preview, (run) =>
        run.agent("preview", (agent) => agent.ask(`Preview this: ${longDocument}`).text()),
      );
      await judge(directory);
      expect(server.requests).toEqual([]);
      expect(replayed.summary).toMatchObject({ collected: 1, sent: 0 });
      await using reader = await Parallellm.inspect(directory);
      const [summarise] = (await reader.calls({ agent: "extract", search: "Summarise" })).calls;
      expect(JSON.stringify((await reader.call(summarise))?.request)).toContain(longDocument);
    },
    processesTimeout,
  );
});

describe("refusals", () => {
  it(
    "while a pipeline holds the lock every write refuses in one line and changes nothing; no workspace, bad values",
    async () => {
      server.setBatchBehavior({ completeAfterPolls: 1_000 });
      const directory = await makeMixedWorkspace(server);
      const running = await Parallellm.open(directory, runOptions("gpt-4.1-mini", "async"));
      try {
        const before = fileDigests(directory);
        for (const args of [["retry"], ["gc"], ["batches", "--refresh"], ["batches", "--cancel-all"]]) {
          const refused = await pllm([...args, directory]);
          expect([args, refused.code, refused.stdout]).toEqual([args, 1, ""]);
          expect(refused.stderr.trim().split("\n")).toHaveLength(1);
          expect(refused.stderr).toContain(`The workspace is in use by process ${process.pid}`);
        }
        expectUnchanged(directory, before);
        // A dry run only reads: it works while the pipeline runs.
        expect((await pllm(["gc", directory, "--dry-run"])).code).toBe(0);
      } finally {
        await running.close();
      }

      const missing = tempWorkspace();
      const none = await pllm(["gc", missing]);
      expect(none).toMatchObject({ code: 1, stdout: "" });
      expect(none.stderr.trim()).toBe(
        `pllm: InputError: There is no workspace at ${missing} (no store.sqlite there). Check the path, or run a pipeline there first.`,
      );
      expect(existsSync(missing)).toBe(false);

      const kind = await pllm(["retry", directory, "--kind", "rejected"]);
      expect(kind.code).toBe(2);
      expect(kind.stderr).toContain("pllm: --kind takes one of request-rejected, authentication,");
      const both = await pllm(["batches", directory, "--refresh", "--cancel", "1"]);
      expect(both.code).toBe(2);
    },
    processesTimeout,
  );
});
