import { spawn } from "node:child_process";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect, it } from "vitest";
import { Parallellm } from "../src/index.js";
import { MockProvider } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

const child = new URL("./fixtures/crash-child.ts", import.meta.url).pathname;

/** Run the child until it has reported `killAfter` answers, then SIGKILL it; returns the agents it saw. */
function runAndKill(directory: string, killAfter: number): Promise<Set<string>> {
  return new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, ["--import", "tsx", child, directory], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const seen = new Set<string>();
    let buffer = "";
    process_.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        if (line.startsWith("seen ")) seen.add(line.slice(5));
        if (line === "done") reject(new Error("the child finished before it was killed"));
      }
      if (seen.size >= killAfter) process_.kill("SIGKILL");
    });
    process_.on("exit", (_code, signal) =>
      signal === "SIGKILL" ? resolve(seen) : reject(new Error(`exit ${signal}`)),
    );
  });
}

it("keeps every answer delivered before a SIGKILL, and the rerun sends only the rest", async () => {
  const directory = tempWorkspace();
  const seen = await runAndKill(directory, 60);

  const db = new Database(join(directory, "store.sqlite"), { readonly: true });
  const stored = new Set(
    (db.prepare("SELECT agent FROM calls WHERE response_id IS NOT NULL").all() as { agent: string }[]).map(
      (row) => row.agent,
    ),
  );
  expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
  db.close();
  for (const agent of seen) expect(stored.has(agent), agent).toBe(true);
  expect(stored.size).toBeLessThan(200);

  const mock = new MockProvider();
  const pllm = await Parallellm.open(directory, { llm: "mock-1", providers: { mock }, summary: false });
  const texts = await pllm.forEach(
    Array.from({ length: 200 }, (_, index) => index),
    (index) => `item-${index}`,
    (index, agent) => agent.ask(`Describe item ${index}.`).text(),
  );
  const summary = await pllm.close();
  expect(texts.every((text) => typeof text === "string")).toBe(true);
  expect(mock.requestCount).toBe(200 - stored.size);
  expect(summary.replayed).toBe(stored.size);
  // The killed run never ended: the calls it did not get to are its unfinished work, not drift.
  expect(summary.drift).toMatchObject({ judged: true, newCalls: 200 - stored.size, drifted: false });
});
