/**
 * Replay from PostgreSQL reads answers in bulk: the lookups of many agents in
 * one statement, then each agent's answers at once, not one round trip per ask.
 */
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { Parallellm } from "../src/index.js";
import { postgresStore } from "../src/postgres.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";
import { adminQuery, describePg, schemaUrl, tempSchema } from "./postgres.js";

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());

const agents = 20;
const asksPerAgent = 10;

/** Each agent asks its questions one after another, as a loop over documents does. */
async function classify(pllm: Parallellm): Promise<string[]> {
  const labels = await pllm.forEach(
    Array.from({ length: agents }, (_, index) => index),
    (index) => `doc-${index}`,
    async (index, agent) => {
      const texts: string[] = [];
      for (let ask = 0; ask < asksPerAgent; ask++)
        texts.push(await agent.ask(`Classify page ${ask} of ${index}.`).text());
      return texts.join("|");
    },
  );
  return labels as string[];
}

describePg("replay from PostgreSQL", () => {
  it("reads the answers in bulk: a few statements for 200 asks, not one per ask", async () => {
    const schema = tempSchema();
    await adminQuery(`CREATE SCHEMA ${schema}`);
    const pool = new pg.Pool({ connectionString: schemaUrl(schema), max: 4 });
    let statements = 0;
    const query = pool.query.bind(pool);
    pool.query = ((...args: Parameters<typeof query>) => {
      statements++;
      return query(...args);
    }) as typeof pool.query;
    try {
      const options = { llm: "gpt-4.1-mini", clients: server.clientsFor(), summary: false, store: postgresStore(pool) };
      const directory = tempWorkspace();
      const first = await Parallellm.run(directory, options, classify);
      expect(first.summary).toMatchObject({ sent: agents * asksPerAgent });

      const before = server.requests.length;
      statements = 0;
      const replay = await Parallellm.run(directory, options, classify);
      expect(replay.result).toEqual(first.result);
      expect(replay.summary).toMatchObject({ replayed: agents * asksPerAgent, sent: 0 });
      expect(server.requests.length).toBe(before);
      // Opening and closing the session take six statements; the 200 asks take two (one per ask: 206).
      expect(statements).toBeLessThan(20);
    } finally {
      await pool.end();
    }
  });
});
