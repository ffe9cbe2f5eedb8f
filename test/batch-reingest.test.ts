/**
 * A process killed while it ingests a batch leaves answers (or failures) committed
 * and the batch still pending: the next open ingests the batch again, and must
 * store each outcome once, not twice.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Parallellm, type ParallellmOptions } from "../src/index.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;

beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());

async function run(directory: string, options: ParallellmOptions) {
  const pllm = await Parallellm.open(directory, {
    llm: "gpt-4.1-mini",
    strategy: "batch",
    clients: server.clientsFor(),
    summary: false,
    onError: "record",
    ...options,
  });
  const answers = await pllm.forEach(
    ["a", "b", "c", "d"],
    (name) => name,
    (name, agent) => agent.ask(`Describe ${name}.`).text(),
  );
  return { answers, summary: await pllm.close() };
}

/**
 * The store as a kill between an ingest's commits and its last step leaves it: the
 * first batch is pending again. Returns what is stored.
 */
function interruptIngest(directory: string): { responses: number; failures: number; times: unknown[] } {
  const db = new Database(join(directory, "store.sqlite"));
  try {
    db.prepare("UPDATE batches SET state = 'pending' WHERE id = (SELECT min(id) FROM batches)").run();
    return {
      responses: db.prepare("SELECT count(*) FROM responses").pluck().get() as number,
      failures: db.prepare("SELECT count(*) FROM failures").pluck().get() as number,
      times: db.prepare("SELECT created_at FROM responses ORDER BY id").pluck().all(),
    };
  } finally {
    db.close();
  }
}

it("a batch ingested again after an interrupted ingest stores each answer and failure once", async () => {
  server.setBatchBehavior({
    failRequest: (context) => (context.prompt === "Describe d." ? { status: 400, message: "Not d." } : undefined),
  });
  const directory = tempWorkspace();
  await run(directory, {});
  const ingested = await run(directory, {});
  expect(ingested.summary.batches.ingestedAnswers).toBe(3);
  const before = interruptIngest(directory);
  expect(before).toMatchObject({ responses: 3 });

  const again = await run(directory, {});
  expect(again.answers.slice(0, 3)).toEqual(ingested.answers.slice(0, 3));
  expect(again.summary.batches).toMatchObject({ ingested: 1, ingestedAnswers: 0 });
  const after = interruptIngest(directory);
  expect(after).toEqual(before);
  server.setBatchBehavior({});
});

it("a failed batch ingested again after an interrupted ingest records each call's failure once", async () => {
  server.setBatchBehavior({ outcome: "failed" });
  const directory = tempWorkspace();
  await run(directory, {});
  // Ingests the failed batch (a failure for each of its 4 calls) and submits them in a second batch.
  await run(directory, {});
  expect(interruptIngest(directory).failures).toBe(4);
  // Ingests the first batch again (nothing new) and the second (its own 4 failures).
  await run(directory, {});
  expect(interruptIngest(directory).failures).toBe(8);
  server.setBatchBehavior({});
});
