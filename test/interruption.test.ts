import { spawn } from "node:child_process";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Parallellm } from "../src/index.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

const child = new URL("./fixtures/interrupt-child.ts", import.meta.url).pathname;
let server: FakeProviderServer;

beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());

/** Start the child, send SIGINT once `ready` matches its output; resolves with its exit code and output. */
function interrupt(directory: string, mode: string, ready: (output: string) => boolean) {
  return new Promise<{ code: number | null; output: string; elapsedAfterSignal: number }>((resolve, reject) => {
    const process_ = spawn(process.execPath, ["--import", "tsx", child, directory, mode, server.url]);
    let output = "";
    let signalled = 0;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!signalled && ready(output)) {
        signalled = Date.now();
        process_.kill("SIGINT");
      }
    };
    process_.stdout.on("data", onData);
    process_.stderr.on("data", onData);
    process_.once("error", reject);
    process_.once("exit", (code) => resolve({ code, output, elapsedAfterSignal: Date.now() - signalled }));
  });
}

it("SIGINT in an async run: no new sends, answers in flight are stored, exit 130, the rerun sends only the rest", async () => {
  server.setLatency(200);
  const directory = tempWorkspace();
  server.resetLog();
  const { code, output, elapsedAfterSignal } = await interrupt(
    directory,
    "async",
    (text) => (text.match(/seen item/g) ?? []).length >= 4,
  );
  server.setLatency(0);
  expect(output).toContain("SIGINT: sending nothing new");
  expect(code).toBe(130);
  expect(elapsedAfterSignal).toBeLessThan(5000);
  const sentBeforeRerun = server.requests.length;
  expect(sentBeforeRerun).toBeLessThan(60);
  // The summary's counts are true: what went out was sent and received; the rest was neither sent nor failed.
  expect(output).toContain(
    `60 asked: 0 replayed from the store, ${sentBeforeRerun} sent, ${sentBeforeRerun} received, 0 failed`,
  );
  expect(output).toContain(`stopped   by SIGINT: ${60 - sentBeforeRerun} calls were not sent (or not retried)`);
  expect(output).not.toMatch(/halted/);

  const db = new Database(join(directory, "store.sqlite"), { readonly: true });
  expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
  const stored = (db.prepare("SELECT count(*) AS n FROM calls WHERE response_id IS NOT NULL").get() as { n: number }).n;
  db.close();
  expect(stored).toBe(sentBeforeRerun); // every request that was sent finished and was stored

  server.resetLog();
  const pllm = await Parallellm.open(directory, { llm: "gpt-4.1-mini", clients: server.clientsFor(), summary: false });
  await pllm.forEach(
    Array.from({ length: 60 }, (_, index) => index),
    (index) => `item-${index}`,
    (index, agent) => agent.ask(`Describe item ${index}.`).text(),
  );
  const rerun = await pllm.close();
  expect(server.requests.length).toBe(60 - stored);
  // The calls the interrupted run never sent are its unfinished work, not a changed pipeline.
  expect(rerun.drift).toMatchObject({ judged: true, newCalls: 60 - stored, staleAnswers: 0, drifted: false });
});

it("SIGINT in a batch run still submits what was collected", async () => {
  const directory = tempWorkspace();
  const before = server.batchesOf("openai").length;
  const { code, output } = await interrupt(directory, "batch", (text) => text.includes("collected"));
  expect(code).toBe(130);
  expect(output).toMatch(/batch\s+openai\/gpt-4\.1-mini: 60 requests, submitted as batch_/);
  expect(server.batchesOf("openai").length).toBe(before + 1);
  const db = new Database(join(directory, "store.sqlite"), { readonly: true });
  expect(db.prepare("SELECT state, request_count FROM batches").all()).toEqual([
    { state: "pending", request_count: 60 },
  ]);
  db.close();
});
