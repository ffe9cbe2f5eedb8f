/**
 * Embeddings on a PostgreSQL store (no synchronous lookups: each text is looked
 * up, then routed): vectors stored as BYTEA, replayed bit for bit with 0 requests,
 * the texts of many agents still sent together in chunks.
 */
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Parallellm } from "../src/index.js";
import { inspectPostgres, postgresStore } from "../src/postgres.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";
import { adminQuery, describePg, pgUrl, schemaUrl, tempSchema } from "./postgres.js";

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());

/** Ten agents embed ten texts each. */
async function embedAll(pllm: Parallellm): Promise<number[][][]> {
  const vectors = await pllm.forEach(
    Array.from({ length: 10 }, (_, index) => index),
    (index) => `doc-${index}`,
    async (index, agent) => {
      const texts = Array.from({ length: 10 }, (_, line) => `line ${line} of document ${index}`);
      const embedded = await agent.embed(texts, { model: "text-embedding-3-small", dimensions: 3 });
      return embedded.map((vector) => Array.from(vector));
    },
  );
  return vectors as number[][][];
}

describePg("embeddings on PostgreSQL", () => {
  it("stores the vectors and replays them exactly with 0 requests", async () => {
    const schema = tempSchema();
    await adminQuery(`CREATE SCHEMA ${schema}`);
    const pool = new pg.Pool({ connectionString: schemaUrl(schema), max: 4 });
    try {
      const options = { llm: "gpt-4.1-mini", clients: server.clientsFor(), summary: false, store: postgresStore(pool) };
      const directory = tempWorkspace();
      server.resetLog();
      const first = await Parallellm.run(directory, options, embedAll);
      expect(first.summary).toMatchObject({ sent: 100, received: 100 });
      expect(server.requests.length).toBeLessThan(100);
      server.resetLog();
      const replay = await Parallellm.run(directory, options, embedAll);
      expect(replay.summary).toMatchObject({ replayed: 100, sent: 0 });
      expect(server.requests).toHaveLength(0);
      expect(replay.result).toEqual(first.result);
    } finally {
      await pool.end();
      await adminQuery(`DROP SCHEMA ${schema} CASCADE`);
    }
  });

  it("two workers embedding the same texts at once (no shards): each text is sent once, both get every vector", async () => {
    const schema = tempSchema();
    await adminQuery(`CREATE SCHEMA ${schema}`);
    const pool = new pg.Pool({ connectionString: schemaUrl(schema), max: 8 });
    try {
      const options = { llm: "gpt-4.1-mini", clients: server.clientsFor(), summary: false, store: postgresStore(pool) };
      server.resetLog();
      // Each request takes a while, so both workers route their texts while the first requests are out.
      server.setLatency(300);
      const [one, two] = await Promise.all([
        Parallellm.run(tempWorkspace(), options, embedAll),
        Parallellm.run(tempWorkspace(), options, embedAll),
      ]);
      const texts = server.requests.flatMap((request) => (request.body as { input: string[] }).input);
      expect(texts).toHaveLength(100);
      expect(new Set(texts).size).toBe(100);
      expect(one.summary.sent + two.summary.sent).toBe(100);
      expect(two.result).toEqual(one.result);
    } finally {
      server.setLatency(0);
      await pool.end();
      await adminQuery(`DROP SCHEMA ${schema} CASCADE`);
    }
  });

  it("Gemini embeddings sent directly (no token counts) are counted apart, in ended sessions and after migration 5", async () => {
    const schema = tempSchema();
    const options = {
      llm: "gemini-2.5-flash",
      clients: server.clientsFor(),
      summary: false,
      store: postgresStore(pgUrl, { schema }),
    };
    await Parallellm.run(tempWorkspace(), options, (pllm) =>
      pllm.agent("embedder", (agent) => agent.embed(["one", "two"], { model: "gemini-embedding-001" })),
    );
    const spent = async () => {
      await using reader = await inspectPostgres(pgUrl!, { schema });
      return (await reader.overview()).spent.allTime;
    };
    expect(await spent()).toEqual({ answers: 2, inputTokens: 0, outputTokens: 0, uncounted: 2, cost: undefined });

    // As schema 4 wrote the ended session's tally: without the column, which migration 5 recounts.
    await adminQuery(`ALTER TABLE ${schema}.session_usage DROP COLUMN uncounted`);
    await adminQuery(`UPDATE ${schema}.parallellm_schema SET version = 4`);
    await (await Parallellm.open(tempWorkspace(), { ...options, store: postgresStore(pgUrl, { schema }) })).close();
    expect(await adminQuery(`SELECT session::int, answers::int, uncounted::int FROM ${schema}.session_usage`)).toEqual([
      [1, 2, 2],
    ]);
    expect(await spent()).toMatchObject({ answers: 2, uncounted: 2, cost: undefined });
  });
});
