/**
 * Reading a workspace while another process writes it (SQLite WAL readers):
 * exact pages under concurrent inserts, no SQLITE_BUSY, no lock in the
 * writer's way; and reading a workspace the reader may not write (another
 * user's, a read-only directory).
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect, it } from "vitest";
import { type CallRow, Parallellm } from "../src/index.js";
import { MockProvider } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";
import { requireOrSkip } from "./requirements.js";

const writer = new URL("./fixtures/writer-child.ts", import.meta.url).pathname;
const inspector = new URL("./fixtures/inspect-child.ts", import.meta.url).pathname;
const repository = new URL("..", import.meta.url).pathname;

async function storeWithAnswers(count: number): Promise<string> {
  const directory = tempWorkspace();
  await Parallellm.run(directory, { llm: "mock-1", providers: { mock: new MockProvider() }, summary: false }, (pllm) =>
    pllm.forEach(
      Array.from({ length: count }, (_, index) => index),
      (index) => `agent-${String(index * 97).padStart(5, "0")}`,
      (index, agent) => agent.ask(`Stored ${index}.`).text(),
    ),
  );
  return directory;
}

/** Resolves with the child's output once it printed `line`. */
function waitFor(child: ChildProcessWithoutNullStreams, line: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.split("\n").includes(line)) resolve(output);
    });
    child.once("exit", (code) => {
      if (!output.split("\n").includes(line)) reject(new Error(`the writer exited (${code}) before "${line}"`));
    });
  });
}

const keyOf = (call: CallRow) => `${call.agent}\u0000${call.hash}\u0000${call.occurrence}`;

it("pages exactly through a workspace another process is writing: every call once, in order; the writer never waits", async () => {
  const directory = await storeWithAnswers(60);
  const child = spawn(process.execPath, ["--import", "tsx", writer, directory], { cwd: repository });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = waitFor(child, "done");
  await waitFor(child, "ready");
  await using reader = await Parallellm.inspect(directory);
  const grew: number[] = [];
  for (let traversal = 0; traversal < 3; traversal++) {
    // One statement reads one snapshot: what was there when the traversal began.
    const before = (await reader.calls({ limit: 10_000 })).calls.map(keyOf);
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await reader.calls({ limit: 7, after });
      for (const call of page.calls) {
        expect(call).toMatchObject({ status: "answered", provider: "mock", model: "mock-1" });
        expect(call.text).toMatch(/^Mock answer to "(Stored|Question) \d+\."/);
      }
      seen.push(...page.calls.map(keyOf));
      after = page.next;
    } while (after !== undefined);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort());
    const missing = before.filter((key) => !seen.includes(key));
    expect(missing).toEqual([]);
    grew.push(seen.length - before.length);
  }
  child.stdin.write("stop\n");
  await done;
  expect(stderr).toBe("");
  const { calls } = await reader.calls({ limit: 10_000 });
  const written = calls.filter((call) => call.agent.endsWith("-w"));
  expect(written.length).toBeGreaterThan(0);
  // Its session ended as usual: the reader held nothing that made it wait or fail.
  expect((await reader.sessions()).at(-1)).toMatchObject({ id: 2, answers: written.length });
  expect((await reader.sessions()).at(-1)!.summary).toMatchObject({ received: written.length, failed: 0 });
});

// Root ignores file modes, so as root the reader runs as `nobody`.
const asRoot = process.getuid?.() === 0;

/** The child's report; `undefined` when this root cannot switch to `nobody` (no CAP_SETUID). */
function inspectAsOtherUser(directory: string): string | undefined {
  const result = spawnSync(process.execPath, ["--import", "tsx", inspector, directory], {
    cwd: repository,
    encoding: "utf8",
    ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
  });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === "EPERM") return undefined;
  if (result.status !== 0) throw new Error(`the reader failed (${result.status}): ${result.stderr}`);
  return result.stdout.trim();
}

it("reads a workspace in a directory it cannot write, and another user's while it runs; writes nothing", async (context) => {
  const directory = await storeWithAnswers(3);
  const path = join(directory, "store.sqlite");
  // The temporary root is private to its creator; the other user must be able to reach the workspace.
  chmodSync(dirname(directory), 0o755);
  chmodSync(path, 0o444);
  chmodSync(directory, 0o555);
  const before = readFileSync(path);
  try {
    const idle = inspectAsOtherUser(directory);
    requireOrSkip(context, idle !== undefined, "running as root without the right to switch to nobody");
    expect(JSON.parse(idle!)).toEqual({
      calls: 3,
      sessions: 1,
      text: expect.stringMatching(/^Mock answer to "Stored 0."/),
    });
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(false);
  } finally {
    chmodSync(directory, 0o755);
    chmodSync(path, 0o644);
  }

  // A run of the owner has it open (its write-ahead log and index exist, not writable by others).
  const pllm = await Parallellm.open(directory, {
    llm: "mock-1",
    providers: { mock: new MockProvider() },
    summary: false,
  });
  await pllm.agent("agent-00001", (agent) => agent.ask("While running.").text());
  const running = inspectAsOtherUser(directory);
  await pllm.close();
  expect(JSON.parse(running!)).toEqual({
    calls: 4,
    sessions: 2,
    text: expect.stringMatching(/^Mock answer to "Stored 0."/),
  });
});
