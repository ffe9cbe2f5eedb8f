/**
 * Documents are stored once by content hash: a 1 MB document asked about a
 * thousand times grows the store by about 1 MB, not 1 GB.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect, it } from "vitest";
import { Parallellm } from "../src/index.js";
import { MockProvider } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

const megabyte = 1024 * 1024;

/** The store file and its write-ahead log, in bytes. */
function storeBytes(directory: string): number {
  const path = join(directory, "store.sqlite");
  return [path, `${path}-wal`].reduce((total, file) => total + (existsSync(file) ? statSync(file).size : 0), 0);
}

it("a 1 MB document asked about 1,000 times grows the store by about 1 MB", async () => {
  const directory = tempWorkspace();
  const options = { llm: "mock-1", providers: { mock: new MockProvider() }, summary: false } as const;
  await (await Parallellm.open(directory, options)).close();
  const before = storeBytes(directory);

  const line = "The quick brown fox jumps over the lazy dog, again and again. ";
  const report = line.repeat(Math.ceil(megabyte / line.length)).slice(0, megabyte);
  const pllm = await Parallellm.open(directory, options);
  const answers = await pllm.forEach(
    Array.from({ length: 1000 }, (_, index) => index),
    (index) => `question-${index}`,
    (index, agent) => agent.ask([report, `Question ${index}: what does the fox do?`]).text(),
  );
  const summary = await pllm.close();
  expect(answers.every((answer) => typeof answer === "string")).toBe(true);
  expect(summary.received).toBe(1000);

  const growth = storeBytes(directory) - before;
  expect(growth).toBeGreaterThan(megabyte);
  expect(growth).toBeLessThan(2 * megabyte);

  const db = new Database(join(directory, "store.sqlite"), { readonly: true });
  const documents = db.prepare("SELECT count(*) AS count, sum(size) AS size FROM documents").get();
  const requests = db.prepare("SELECT count(*) AS count, max(length(canonical)) AS longest FROM calls").get();
  db.close();
  expect(documents).toEqual({ count: 1, size: megabyte });
  expect(requests).toMatchObject({ count: 1000 });
  expect((requests as { longest: number }).longest).toBeLessThan(500);
});
