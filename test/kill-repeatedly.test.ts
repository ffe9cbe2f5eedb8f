/**
 * SIGKILL at random points, 20 times per strategy: a child process runs the
 * pipeline against a fake server in this process (whose request log proves
 * what was sent) and is killed anywhere between start and finish. After each
 * kill the store opens intact and holds only whole answers, each under its own
 * call; the next run completes the pipeline and never sends again a call whose
 * answer was stored.
 */
import { type ChildProcessByStdio, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Parallellm } from "../src/index.js";
import { type FakeProviderServer, type LoggedRequest, startFakeProviderServer } from "../src/testing/index.js";
import { killItems, killOptions, killPipeline } from "./fixtures/kill-pipeline.js";
import { tempWorkspace } from "./helpers.js";

const childScript = new URL("./fixtures/kill-child.ts", import.meta.url).pathname;
const kills = 20;

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer({ latencyMs: () => 5 + Math.random() * 30 });
  server.setBatchBehavior({ completeAfterPolls: 1 });
});
afterAll(() => server.close());

interface Child {
  readonly process: ChildProcessByStdio<Writable, Readable, null>;
  readonly lines: Interface;
  readonly exited: Promise<NodeJS.Signals | null>;
}

/** A child started ahead of time; it waits for "go". */
async function startChild(strategy: "async" | "batch"): Promise<Child> {
  const child = spawn(process.execPath, ["--import", "tsx", childScript, server.url, strategy], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    lines.once("line", () => resolve());
    void exited.then(() => reject(new Error("the child exited before it was ready")));
  });
  return { process: child, lines, exited };
}

/** Tell `child` to run in `directory`; kill it `afterMs` after it started. Resolves with whether it was killed. */
async function runAndKill(child: Child, directory: string, tag: string, afterMs: number): Promise<boolean> {
  const started = new Promise<void>((resolve) => child.lines.once("line", () => resolve()));
  child.process.stdin.write(`go ${directory} ${tag}\n`);
  await started;
  const timer = setTimeout(() => child.process.kill("SIGKILL"), afterMs);
  const signal = await child.exited;
  clearTimeout(timer);
  return signal === "SIGKILL";
}

/** The stored answers of a workspace, checked whole: one response per call, each the answer to its own prompt. */
function inspectStore(directory: string): Map<string, number> {
  const path = join(directory, "store.sqlite");
  // Killed before the store was made.
  if (!existsSync(path)) return new Map();
  const db = new Database(path, { readonly: true });
  try {
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    // Killed while the schema was being created: nothing of it was committed.
    if (!db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'responses'").get()) {
      expect(db.prepare("SELECT count(*) FROM sqlite_master").pluck().get()).toBe(0);
      return new Map();
    }
    const rows = db
      .prepare(
        `SELECT c.id, c.response_id, r.id AS rid, r.call_id, r.text, r.created_at, c.canonical
         FROM responses r LEFT JOIN calls c ON c.id = r.call_id`,
      )
      .all() as {
      id: number;
      response_id: number;
      rid: number;
      call_id: number;
      text: string;
      created_at: number;
      canonical: string | null;
    }[];
    const calls = db.prepare("SELECT count(*) FROM calls WHERE response_id IS NOT NULL").pluck().get();
    expect(rows.length).toBe(calls);
    const storedAt = new Map<string, number>();
    for (const row of rows) {
      expect(row.response_id).toBe(row.rid);
      // The prompt is in the canonical request (batch answers store it with the batch's intent).
      const prompt = row.canonical === null ? undefined : /"text":"([^"]*)"/.exec(row.canonical)?.[1];
      expect(prompt).toBeDefined();
      expect(row.text.startsWith(`Answer to: ${prompt!.slice(0, 60)} [`)).toBe(true);
      storedAt.set(prompt!, row.created_at);
    }
    return storedAt;
  } finally {
    db.close();
  }
}

/** The prompt of a direct generation request in the log, for the three wire formats. */
function promptOf(request: LoggedRequest): string | undefined {
  const match = /"(?:text|content)":"([^"]*(?:first|second) \d+[^"]*)"/.exec(JSON.stringify(request.body ?? null));
  return match?.[1];
}

async function killRepeatedly(strategy: "async" | "batch"): Promise<void> {
  const runId = `${strategy}-${Date.now().toString(36)}`;
  // One undisturbed run measures how long a whole run takes, so kills land anywhere in it.
  const measuring = await startChild(strategy);
  let next = startChild(strategy);
  const measured = performance.now();
  await runAndKill(measuring, tempWorkspace(), `${runId}-measure`, 600_000);
  const wholeRunMs = performance.now() - measured;

  let killed = 0;
  for (let attempt = 0; killed < kills; attempt++) {
    expect(attempt).toBeLessThan(kills * 2);
    const child = await next;
    next = startChild(strategy);
    const directory = tempWorkspace(`kill-${attempt}`);
    const tag = `${runId}-${attempt}`;
    if (!(await runAndKill(child, directory, tag, Math.random() * wholeRunMs))) continue;
    killed++;
    // After the kill: the store opens intact, with whole answers only.
    const storedBefore = inspectStore(directory);
    const sentBefore = server.requests.length;

    const { result } = await Parallellm.run(directory, killOptions(server.url, strategy), killPipeline(tag), {
      untilDone: true,
      pollInterval: 10,
    });
    expect(result).toHaveLength(killItems);
    for (const [index, answer] of result.entries())
      expect(answer).toMatch(new RegExp(`^Answer to: ${tag} second ${index} after `));
    const stored = inspectStore(directory);
    expect(stored.size).toBe(2 * killItems);
    for (const [prompt, at] of storedBefore) expect(stored.get(prompt)).toBe(at);

    // Nothing whose answer was stored is sent again: no request (or batch) with its prompt after the commit.
    if (strategy === "async") {
      for (const request of server.requests) {
        const prompt = promptOf(request);
        if (prompt === undefined || !prompt.startsWith(`${tag} `)) continue;
        const at = stored.get(prompt);
        expect(at === undefined || request.time <= at, `${prompt} sent again after it was stored`).toBe(true);
      }
      expect(server.requests.slice(sentBefore).filter((request) => storedBefore.has(promptOf(request) ?? ""))).toEqual(
        [],
      );
    } else {
      const batches = (["openai", "anthropic", "google"] as const).flatMap((provider) => server.batchesOf(provider));
      const inBatches = batches.flatMap((batch) =>
        batch.items.map((item) => ({ prompt: item.context.prompt, at: batch.createdAt })),
      );
      for (const prompt of stored.keys()) {
        const sends = inBatches.filter((entry) => entry.prompt === prompt);
        // One batch per call: a batch created but not recorded before the kill is found again, not resubmitted.
        expect(sends, prompt).toHaveLength(1);
        expect(sends[0].at).toBeLessThanOrEqual(stored.get(prompt)!);
      }
    }
  }
  (await next).process.kill("SIGKILL");
}

describe("SIGKILL at random points, 20 times", () => {
  it("async runs", () => killRepeatedly("async"), 300_000);
  it("batch runs", () => killRepeatedly("batch"), 300_000);
});
