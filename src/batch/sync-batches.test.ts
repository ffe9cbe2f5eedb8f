/**
 * The ingest against a real SQLite store, with a stand-in BatchApi whose
 * results arrive in chunks: a result contradicted in a later chunk is taken back.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect, it } from "vitest";
import { tempWorkspace } from "../../test/helpers.js";
import { providerError } from "../core/errors.js";
import { silentLog } from "../core/log.js";
import type { BatchApi, BatchResultChunk, BatchResultLine } from "../providers/provider.js";
import { createSqliteStore, type SqliteStore } from "../store/sqlite/sqlite-store.js";
import { textResult } from "../testing/store-contract/store-fixtures.js";
import { BatchArchive } from "./batch-archive.js";
import { syncBatches } from "./sync-batches.js";

const answer = (customId: string, text: string): BatchResultLine => ({
  raw: JSON.stringify({ customId, text }),
  outcome: { customId, status: "succeeded", result: textResult(text) },
});

function batchApi(chunks: readonly BatchResultChunk[]): BatchApi {
  return {
    limits: { maxRequests: 10, maxBytes: 1000 },
    inputLine: () => "{}",
    submit: async () => ({ id: "b-1" }),
    find: async () => undefined,
    status: async () => ({ state: "completed" }),
    async *results() {
      yield* chunks;
    },
    cancel: async () => {},
  };
}

/** A fresh workspace with its store; closed when `body` ends. */
async function withStore(body: (store: SqliteStore, workspace: string) => Promise<void>): Promise<void> {
  const workspace = tempWorkspace();
  mkdirSync(workspace, { recursive: true });
  const store = await createSqliteStore(join(workspace, "store.sqlite"));
  try {
    await body(store, workspace);
  } finally {
    await store.close();
  }
}

/** Records the intent of a batch `tag` whose calls are `customIds` (agent `agent-<id>`, hash `hash-<id>`). */
function recordIntent(store: SqliteStore, tag: string, provider: string, customIds: readonly string[]) {
  return store.recordBatchIntent({
    tag,
    provider,
    model: "some-model",
    session: 1,
    bytes: customIds.length,
    createdAt: Date.now(),
    requestCount: customIds.length,
    calls: customIds.map((customId, seq) => ({
      customId,
      agent: `agent-${customId}`,
      hash: `hash-${customId}`,
      occurrence: 0,
      seq,
      canonical: `{"call":"${customId}"}`,
      documents: new Map<string, string>(),
    })),
  });
}

it("stores each chunk's answers, takes back one that a later chunk contradicts, and archives every line", async () => {
  await withStore(async (store, workspace) => {
    const id = await recordIntent(store, "t1", "openai", ["a", "b", "c"]);
    await store.updateBatch(id, { state: "pending", providerBatchId: "b-1" });
    const chunks = [
      { lines: [answer("a", "A"), answer("b", "B")] },
      { lines: [answer("a", "not A"), answer("b", "B")], warnings: ["a note"] },
    ];
    const archive = new BatchArchive(workspace);

    const report = await syncBatches({
      store,
      session: 2,
      archive,
      batchApiFor: () => batchApi(chunks),
      keepRaw: true,
      log: silentLog,
    });

    expect(report).toMatchObject({ ingested: 1, answers: 1, pending: 0 });
    expect(report.warnings).toEqual([
      "t1: a note",
      't1: custom id "a" has two different results; all its results are left out.',
      't1: a repeated result for custom id "b" was kept once.',
    ]);
    expect(store.lookupSync({ agent: "agent-a", hash: "hash-a", occurrence: 0 })).toBeUndefined();
    expect(store.lookupSync({ agent: "agent-b", hash: "hash-b", occurrence: 0 })?.text).toBe("B");
    // The canonical request recorded with the intent is kept beside the answered call.
    const db = new Database(store.location, { readonly: true });
    expect(db.prepare("SELECT agent, canonical FROM calls").all()).toEqual([
      { agent: "agent-a", canonical: '{"call":"a"}' },
      { agent: "agent-b", canonical: '{"call":"b"}' },
    ]);
    db.close();
    expect(readFileSync(join(archive.directory, "t1.output.jsonl"), "utf8").trim().split("\n")).toHaveLength(4);
    expect(await store.openBatches()).toEqual([]);
  });
});

it("keeps a batch pending, with what arrived stored, when its results download breaks off", async () => {
  await withStore(async (store, workspace) => {
    const id = await recordIntent(store, "t2", "openai", ["a", "b"]);
    await store.updateBatch(id, { state: "pending", providerBatchId: "b-2" });
    const broken: BatchApi = {
      ...batchApi([]),
      async *results() {
        yield { lines: [answer("a", "A")] };
        throw providerError({ provider: "openai", providerMessage: "the download broke off" });
      },
    };

    const report = await syncBatches({
      store,
      session: 2,
      keepRaw: true,
      archive: new BatchArchive(workspace),
      batchApiFor: () => broken,
      log: silentLog,
    });

    expect(report).toMatchObject({ ingested: 0, pending: 1 });
    expect(report.warnings).toEqual([expect.stringMatching(/^Batch t2: .*the download broke off.* stays pending/)]);
    expect(store.lookupSync({ agent: "agent-a", hash: "hash-a", occurrence: 0 })?.text).toBe("A");
    expect((await store.openBatches()).map((batch) => batch.tag)).toEqual(["t2"]);
  });
});
