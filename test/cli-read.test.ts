/**
 * The read commands (`pllm status`, `calls`, `show`, `failures`, `cost`)
 * spawned as real processes against a workspace made by real runs in every
 * strategy: `--json` parsed and checked, the text's key lines, bad input
 * refused in one line with the right exit code, and nothing modified.
 */
import { spawn } from "node:child_process";
import { copyFileSync, cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CallDetail, type CallRow, type FailedCallRow, Parallellm, type WorkspaceOverview } from "../src/index.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { runPllm, tempDirectory, tempWorkspace } from "./helpers.js";
import { fileDigests, makeMixedWorkspace } from "./mixed-workspace.js";

let server: FakeProviderServer;
let directory: string;
let digests: Map<string, string>;
beforeAll(async () => {
  server = await startFakeProviderServer();
  // Kept for the whole file (a test's temporary directories go after each test).
  directory = join(mkdtempSync(join(tmpdir(), "pllm-cli-read-")), "ws");
  cpSync(await makeMixedWorkspace(server), directory, { recursive: true });
  digests = fileDigests(directory);
}, 60_000);
afterAll(async () => {
  // No command wrote anything: every file as it was (SQLite's empty WAL and index of a reader aside).
  const after = fileDigests(directory);
  rmSync(join(directory, ".."), { recursive: true, force: true });
  await server.close();
  for (const [name, digest] of after) {
    if (digests.has(name)) expect([name, digest]).toEqual([name, digests.get(name)]);
    else expect(name).toMatch(/^store\.sqlite-(wal|shm)$/);
  }
});

/** Each test spawns several pllm processes (about a second each, much more on a busy machine). */
const spawning = 300_000;

const pllm = (...args: string[]) => runPllm(args, { ...process.env, NO_COLOR: "1" });

/** Runs a command that must succeed and returns its stdout. */
async function output(...args: string[]): Promise<string> {
  const { code, stdout, stderr } = await pllm(...args);
  expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
  return stdout;
}

const json = async <T>(...args: string[]): Promise<T> => JSON.parse(await output(...args, "--json")) as T;

describe("pllm status", () => {
  it(
    "shows sessions, calls by status, model and agent, the pending batch, the failure and the spend",
    async () => {
      const [overview, text] = await Promise.all([
        json<WorkspaceOverview & { location: string }>("status", directory),
        output("status", directory, "--sessions", "3", "--agents", "2"),
      ]);
      expect(overview.location).toBe(join(directory, "store.sqlite"));
      expect(overview.calls).toEqual({ answered: 11, pending: 2, failed: 1, unanswered: 0 });
      expect(
        overview.models.map((line) => [line.provider, line.model, line.answered, line.pending, line.failed]),
      ).toEqual([
        ["openai", "gpt-4.1-mini", 5, 2, 0],
        ["anthropic", "claude-sonnet-4-6", 5, 0, 1],
        ["google", "gemini-2.5-flash", 1, 0, 0],
      ]);
      expect(overview.agents.total).toBe(8);
      expect(overview.agents.top.slice(0, 2)).toEqual([
        { agent: "extract", calls: 5 },
        { agent: "planner", calls: 3 },
      ]);
      expect(overview.sessionCount).toBe(6);
      expect(overview.sessions.map((session) => session.strategy)).toEqual([
        "async",
        "async",
        "hybrid",
        "dry-run",
        "batch",
      ]);
      expect(overview.running).toEqual([]);
      expect(overview.pendingBatches).toHaveLength(1);
      expect(overview.pendingBatches[0]).toMatchObject({ provider: "openai", requests: 2, open: 2 });
      expect(overview.failures[0]).toMatchObject({ agent: "judge-2", statusCode: 400 });
      expect(overview.spent.allTime.answers).toBe(11);
      // claude-sonnet-4-6 has no built-in price: the total is unknown (absent in JSON), never a made-up sum.
      expect(overview.spent.allTime.cost).toBeUndefined();

      const lines = text.split("\n");
      expect(lines).toContain("Sessions (the last 3 of 6)");
      expect(lines.find((line) => line.trim().startsWith("#"))).toMatch(
        /^ {2}# {2}strategy {2}started +took +sent {2}replayed {2}collected {2}failed {2}answers stored$/,
      );
      // Its age reads "just now" when status runs within a second of it, "… s ago" after.
      expect(lines.find((line) => /^ {2}6 {2}batch /.test(line))).toMatch(/^ {2}6 {2}batch .* 2 +0 +0$/);
      expect(lines).toContain("Calls 14: 11 answered, 2 pending, 1 failed, 0 unanswered");
      expect(lines).toContainEqual(expect.stringMatching(/^ {2}openai +gpt-4\.1-mini +5 +2 +0 +0$/));
      expect(lines).toContain("Agents 8");
      expect(lines).toContain("  … and 6 more agents");
      expect(lines).toContain("Pending batches 1");
      expect(lines).toContain("Failures 1 (pllm failures lists them)");
      expect(lines).toContainEqual(
        expect.stringMatching(/judge-2 +anthropic\/claude-sonnet-4-6 +request-rejected 400 .*No jokes today\./),
      );
      expect(lines).toContainEqual(expect.stringMatching(/^ {2}all time +11 +[\d,]+ +[\d,]+ +no price$/));
      expect(lines).toContainEqual(expect.stringMatching(/^ {2}session 6 +0 +0 +0 +\$0\.0000$/));
      expect(text).not.toContain("\u001b[");
    },
    spawning,
  );

  it(
    "works while a pipeline writes the workspace: the running session says so",
    async () => {
      const busy = tempWorkspace();
      const writer = spawn(process.execPath, [
        "--import",
        "tsx",
        new URL("./fixtures/writer-child.ts", import.meta.url).pathname,
        busy,
      ]);
      const exited = new Promise((resolve) => writer.once("exit", resolve));
      try {
        await new Promise<void>((resolve, reject) => {
          writer.stdout.on("data", (chunk: Buffer) => {
            if (chunk.toString().includes("ready")) resolve();
          });
          void exited.then((code) => reject(new Error(`the writer exited (${code}) before it was ready`)));
        });
        const [overview, text] = await Promise.all([json<WorkspaceOverview>("status", busy), output("status", busy)]);
        expect(overview.running).toEqual([1]);
        expect(overview.sessions).toEqual([expect.objectContaining({ id: 1, strategy: "async" })]);
        expect(overview.sessions[0].endedAt).toBeUndefined();
        expect(overview.calls.answered).toBeGreaterThan(0);
        expect(text).toMatch(/^ {2}1 {2}async .*running \(/m);
      } finally {
        writer.stdin.write("stop\n");
        await exited;
      }
    },
    spawning,
  );
});

describe("pllm calls", () => {
  it(
    "lists calls one per line, filtered by an agent glob and status, paged by --limit and --offset",
    async () => {
      const [judges, page, rest, text] = await Promise.all([
        json<{ calls: CallRow[]; next?: number }>("calls", directory, "--agent", "judge-?"),
        json<{ calls: CallRow[]; next?: number }>(
          "calls",
          directory,
          "--status",
          "answered",
          "--limit",
          "4",
          "--offset",
          "2",
        ),
        json<{ calls: CallRow[]; next?: number }>("calls", directory, "--status", "answered", "--offset", "6"),
        output("calls", directory, "--agent", "classify-*", "--limit", "1"),
      ]);
      expect(judges.calls.map((call) => [call.agent, call.status, call.provider])).toEqual([
        ["judge-1", "answered", "anthropic"],
        ["judge-2", "failed", "anthropic"],
        ["judge-3", "answered", "anthropic"],
      ]);
      expect(judges.next).toBeUndefined();
      expect(page.calls).toHaveLength(4);
      expect(page.next).toBe(6);
      expect(page.calls.every((call) => call.status === "answered")).toBe(true);
      expect(rest.calls).toHaveLength(5);
      expect(rest.next).toBeUndefined();
      const lines = text.trimEnd().split("\n");
      expect(lines[0]).toMatch(/^id +agent +# +hash +status +provider\/model +session +tokens in\/out +answer$/);
      expect(lines[1]).toMatch(/^ +classify-a +0 +\S{10} +pending +openai\/gpt-4\.1-mini +6$/);
      expect(lines[2]).toBe("… more: --offset 1");
    },
    spawning,
  );
  it(
    "stops quietly when the reader of its pipe has gone (| head)",
    async () => {
      const cli = new URL("../src/cli/main.ts", import.meta.url).pathname;
      const child = spawn(process.execPath, ["--import", "tsx", cli, "calls", directory], {
        env: { ...process.env, NO_COLOR: "1" },
      });
      child.stdout.destroy();
      let stderr = "";
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      const code = await new Promise((resolve) => child.once("exit", resolve));
      expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    },
    spawning,
  );
});

describe("pllm show", () => {
  it(
    "shows a call whole by id: the image as a note, the schema, the structured answer pretty-printed, usage and timing",
    async () => {
      const calls = await json<{ calls: CallRow[] }>("calls", directory, "--agent", "extract");
      const image = calls.calls.find((call) => call.text?.includes("Ingrid"))!;
      const tool = calls.calls.find((call) => call.text === "")!;
      const [detail, text, toolText] = await Promise.all([
        json<CallDetail>("show", String(image.id), directory),
        output("show", String(image.id), directory),
        output("show", String(tool.id), directory),
      ]);
      expect(detail).toMatchObject({ id: image.id, agent: "extract", status: "answered", answers: [{ inUse: true }] });
      expect(detail.cost).toBeGreaterThan(0);
      expect(text).toContain(`extract #0  call ${image.id}  hash ${image.hash}`);
      expect(text).toMatch(/^ {2}\(image: image\/png, 70 B\)$/m);
      expect(text).not.toContain("iVBORw0KGgo");
      expect(text).toMatch(/^Schema\n {2}\{\n {4}"jsonSchema": \{/m);
      expect(text).toMatch(/^Answer\n {2}\{\n {4}"name": "Ingrid",\n {4}"confidence": 0\.9\n {2}\}$/m);
      expect(text).toMatch(/^ {2}tokens +\d+ in, \d+ out$/m);
      expect(text).toMatch(/^ {2}cost +\$0\.\d+$/m);
      expect(text).toMatch(/^ {2}latency +\d+ ms$/m);
      expect(text).toMatch(
        /^Answers received \(1\)\n {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}session 1 {2}direct {2}in use {2}resp_/m,
      );
      expect(toolText).toMatch(/^Tools\n {2}get_weather: The weather in a city\.$/m);
      expect(toolText).toMatch(/^Answer\n {2}tool call get_weather\(\{"city":"Oslo"\}\)$/m);
    },
    spawning,
  );

  it(
    "takes a hash prefix: several matches are listed (exit 1) until --occurrence narrows them; a failed call's attempts",
    async () => {
      const [hello] = (await json<{ calls: CallRow[] }>("calls", directory, "--search", "Say hello")).calls;
      const [failed] = await json<FailedCallRow[]>("failures", directory);
      const prefix = hello.hash.slice(0, 8);
      const [ambiguous, narrowed, failure, unknown] = await Promise.all([
        pllm("show", prefix, directory),
        json<CallDetail>("show", prefix, directory, "--occurrence", "1"),
        output("show", failed.hash.slice(0, 6), directory),
        pllm("show", "99", directory),
      ]);
      expect(ambiguous.code).toBe(1);
      expect(ambiguous.stdout.trimEnd().split("\n")).toHaveLength(3);
      expect(ambiguous.stderr).toBe(
        `pllm: 2 calls match "${prefix}": give more of the hash, or narrow with --agent and --occurrence.\n`,
      );
      expect(narrowed).toMatchObject({ agent: "extract", hash: hello.hash, occurrence: 1, status: "answered" });
      expect(failure).toMatch(/^judge-2 #0 {2}hash /);
      expect(failure).toMatch(/^ {2}status +failed$/m);
      expect(failure).toMatch(
        /^Failed attempts \(1\)\n {2}.*session 2 {2}anthropic\/claude-sonnet-4-6 {2}attempt 1 {2}request-rejected 400 {2}No jokes today\.$/m,
      );
      expect(unknown).toEqual({
        code: 1,
        stdout: "",
        stderr: `pllm: No call in ${join(directory, "store.sqlite")} has the id or hash prefix "99". pllm calls lists the calls with their ids and hashes.\n`,
      });
    },
    spawning,
  );
});

describe("pllm show --raw", () => {
  it(
    "prints the provider's response as received when it was kept, and says why when it was not",
    async () => {
      const kept = tempWorkspace();
      await Parallellm.run(
        kept,
        { llm: "gpt-4.1-mini", clients: server.clientsFor(), keepRaw: true, summary: false },
        (run) => run.agent("raw", (agent) => agent.ask("Say hello raw.").text()),
      );
      const [hello] = (await json<{ calls: CallRow[] }>("calls", directory, "--search", "Say hello")).calls;
      const [failed] = await json<FailedCallRow[]>("failures", directory);
      const [raw, detail, notKept, unanswered] = await Promise.all([
        output("show", "1", kept, "--raw"),
        json<CallDetail>("show", "1", kept),
        pllm("show", String(hello.id), directory, "--raw"),
        pllm("show", failed.hash.slice(0, 10), directory, "--raw"),
      ]);
      expect(JSON.parse(raw)).toEqual(detail.raw);
      expect(JSON.parse(raw)).toMatchObject({ object: "response", id: detail.answer!.responseId });
      expect(notKept).toMatchObject({ code: 1, stdout: "" });
      expect(notKept.stderr).toMatch(/^pllm: No raw response is stored for call extract #0: .*keepRaw: true/);
      expect(unanswered.code).toBe(1);
      expect(unanswered.stderr).toMatch(/^pllm: Call judge-2 #0 has no answer, so no raw response;/);
    },
    spawning,
  );
});

describe("pllm failures and pllm cost", () => {
  it(
    "list the failed call and price the workspace by model, agent and session",
    async () => {
      const [failures, failuresText, cost, costText] = await Promise.all([
        json<FailedCallRow[]>("failures", directory),
        output("failures", directory),
        json<{ allTime: { byModel: { name: string; answers: number }[]; bySession: { name: string }[] } }>(
          "cost",
          directory,
        ),
        output("cost", directory, "--session", "1", "--agents", "1"),
      ]);
      expect(failures).toEqual([
        expect.objectContaining({ agent: "judge-2", kind: "request-rejected", statusCode: 400, attempts: 1 }),
      ]);
      expect(failuresText).toMatch(/^1 failed call/);
      expect(failuresText).toMatch(
        /^judge-2 +0 +\S{10} +anthropic\/claude-sonnet-4-6 +request-rejected +400 +1 .*No jokes today\.$/m,
      );
      expect(cost.allTime.byModel.map((line) => [line.name, line.answers])).toEqual([
        ["claude-sonnet-4-6", 5],
        ["gemini-2.5-flash", 1],
        ["gpt-4.1-mini", 5],
      ]);
      expect(cost.allTime.bySession.map((line) => line.name)).toEqual(["1", "2", "3", "4"]);
      expect(costText).toMatch(/^All time: no price \(list prices of \d{4}-\d\d-\d\d\)$/m);
      expect(costText).toMatch(/^ {2}gpt-4\.1-mini +5 +[\d,]+ +[\d,]+ +\$0\.\d{4}$/m);
      expect(costText).toMatch(/^ {2}by agent .*\n {2}extract +5 .*\n {2}… and 4 more agents/m);
      expect(costText).toMatch(/^Session 1: \$0\.\d{4}$/m);
    },
    spawning,
  );
});

describe("bad input: one line, the right exit code, nothing modified", () => {
  it(
    "refuses a missing workspace, a file that is not a store, a newer schema, bad values and unknown flags",
    async () => {
      const missing = tempWorkspace();
      const notAStore = tempDirectory();
      writeFileSync(join(notAStore, "store.sqlite"), "hello\n".repeat(1000));
      const newer = tempDirectory();
      copyFileSync(join(directory, "store.sqlite"), join(newer, "store.sqlite"));
      const db = new Database(join(newer, "store.sqlite"));
      db.pragma("user_version = 999");
      db.close();
      const before = [fileDigests(notAStore), fileDigests(newer)];

      const cases: [string[], number, RegExp][] = [
        [
          ["status", missing],
          1,
          /^pllm: InputError: There is no workspace at .* Check the path, or run a pipeline there first\.$/,
        ],
        [["calls", missing], 1, /^pllm: InputError: There is no workspace at /],
        [["show", "1", missing], 1, /^pllm: InputError: There is no workspace at /],
        [["failures", missing], 1, /^pllm: InputError: There is no workspace at /],
        [["cost", missing], 1, /^pllm: InputError: There is no workspace at /],
        [
          ["status", notAStore],
          1,
          /^pllm: StoreError: .* is not a parallellm store \(not a SQLite database\); it was left untouched\.$/,
        ],
        [["show", "1", newer], 1, /^pllm: StoreError: .* was written by a newer parallellm \(schema 999; /],
        [["cost", newer], 1, /was written by a newer parallellm/],
        [
          ["calls", directory, "--status", "done"],
          2,
          /^pllm: --status takes one of answered, pending, failed, unanswered; got "done"\.$/,
        ],
        [["calls", directory, "--limit", "0"], 2, /^pllm: --limit takes a whole number of at least 1; got "0"\.$/],
        [["calls", directory, "--agnet", "x"], 2, /^pllm: Unknown option --agnet; did you mean --agent\?$/],
        [
          ["show", "a*b", directory],
          2,
          /^pllm: <call> takes a call id or the first characters of a request hash; got "a\*b"\.$/,
        ],
        [
          ["cost", directory, "--session", "99"],
          1,
          /^pllm: InputError: The workspace at .* has no session 99; see sessions\(\)\.$/,
        ],
      ];
      const results = await Promise.all(cases.map(([args]) => pllm(...args)));
      results.forEach((result, index) => {
        const [args, code, message] = cases[index];
        expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code, stdout: "" });
        expect(result.stderr.trimEnd().split("\n").at(-1)).toMatch(message);
        // Exit 1: one line only. Exit 2: the usage, then the line.
        if (code === 1) expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
      });
      expect([fileDigests(notAStore), fileDigests(newer)].map((digests) => digests.get("store.sqlite"))).toEqual(
        before.map((digests) => digests.get("store.sqlite")),
      );
    },
    spawning,
  );
});
