/**
 * Load under faults: 10,000 async asks over the three official SDKs against
 * the fake server (in its own process, as a real provider would be), which
 * fails 20% of requests with 429/500/529 (asking for a 1 ms wait) and drops
 * 2% of connections. Every ask completes with its own answer, each answer is
 * stored exactly once, and every retry is counted, recorded and reported.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import Database from "better-sqlite3";
import { expect, it } from "vitest";
import { Parallellm } from "../src/index.js";
import { fakeProviderClients } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

const asks = 10_000;
const models = ["gpt-4.1-mini", "claude-sonnet-4-6", "gemini-2.5-flash"];
const serverScript = new URL("./fixtures/faulty-server-child.ts", import.meta.url).pathname;

it("10,000 asks with 20% 429/500/529 and 2% dropped connections: all complete, each stored once, retries counted", async () => {
  const server = spawn(process.execPath, ["--import", "tsx", serverScript, "0.2", "429,500,529", "1", "0.02"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: server.stdout });
  const nextLine = () => new Promise<string>((resolve) => lines.once("line", resolve));
  const url = await nextLine();
  const directory = tempWorkspace();
  const printed: string[] = [];
  const pllm = await Parallellm.open(directory, {
    clients: fakeProviderClients(url),
    maxConcurrency: 64,
    retry: { initialDelayMs: 1, maxDelayMs: 20, maxAttempts: 15 },
    summary: (text) => printed.push(text),
  });
  const items = Array.from({ length: asks }, (_, index) => index);
  const answers = await pllm.forEach(
    items,
    (index) => `item-${index}`,
    (index, agent) => agent.ask(`Describe item ${index}.`, { llm: models[index % 3] }).text(),
  );
  const summary = await pllm.close();
  server.stdin.write("stats\n");
  const served = JSON.parse(await nextLine()) as { requests: number; dropped: number; refused: number };
  server.stdin.write("close\n");

  // Every ask completed with the answer to its own prompt.
  for (const [index, answer] of answers.entries())
    expect(answer).toMatch(new RegExp(`^Answer to: Describe item ${index}\\. \\[`));
  expect(summary).toMatchObject({ sent: asks, received: asks, failed: 0, failedAgents: 0 });

  // Retries: counted, recorded (one failure row per failed attempt), and as many as the server refused.
  expect(summary.failedAttempts).toBe(served.refused + served.dropped);
  expect(served.requests).toBe(asks + summary.failedAttempts);
  expect(summary.failedAttempts / asks).toBeGreaterThan(0.15);
  expect(summary.failedAttempts / asks).toBeLessThan(0.45);
  expect(served.dropped).toBeGreaterThan(0);
  expect(printed.join("\n")).toContain(`${summary.failedAttempts} failed attempts`);

  // Stored exactly once: one call and one response per ask; nothing lost.
  const db = new Database(join(directory, "store.sqlite"), { readonly: true });
  const count = (sql: string) => db.prepare(sql).pluck().get() as number;
  expect(count("SELECT count(*) FROM calls")).toBe(asks);
  expect(count("SELECT count(*) FROM calls WHERE response_id IS NOT NULL")).toBe(asks);
  expect(count("SELECT count(*) FROM responses")).toBe(asks);
  expect(count("SELECT count(DISTINCT agent) FROM calls")).toBe(asks);
  expect(count("SELECT count(*) FROM failures")).toBe(summary.failedAttempts);
  expect(db.prepare("SELECT kind, count(*) AS n FROM failures GROUP BY kind ORDER BY kind").all()).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ kind: "network" }),
      expect.objectContaining({ kind: "overloaded" }),
      expect.objectContaining({ kind: "rate-limited" }),
      expect.objectContaining({ kind: "server" }),
    ]),
  );
  expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
  db.close();
}, 120_000);
