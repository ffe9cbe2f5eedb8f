/**
 * Many workers, one pipeline, one PostgreSQL store, sending directly: every
 * call is answered exactly once at the provider (the fake server's log proves
 * it), whether the workers overlap (claims) or split the agents (shards), and
 * every worker ends with every answer. A worker killed while it holds claims
 * leaves them to expire; another worker then sends those calls, and nothing
 * that was answered is sent again.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { shardOf } from "../src/core/agent-shard.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { adminQuery, describePg, tempSchema } from "./postgres.js";
import { runWorkers, startWorker, type WorkerResult, workerSpec } from "./workers.js";

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer({ latencyMs: 2 });
});
afterAll(() => server.close());

/** How many requests the server got for each ask of `tag` (by index). */
function requestsPerAsk(tag: string, calls: number): number[] {
  const counts = new Array<number>(calls).fill(0);
  const pattern = new RegExp(`${tag} item (\\d+)`);
  for (const request of server.requests) {
    const index = pattern.exec(JSON.stringify(request.body))?.[1];
    if (index !== undefined) counts[Number(index)]!++;
  }
  return counts;
}

function expectEveryAnswer(results: readonly WorkerResult[], calls: number): void {
  const [first] = results;
  expect(first!.texts).toHaveLength(calls);
  expect(first!.texts.every((text) => typeof text === "string" && text.length > 0)).toBe(true);
  for (const result of results) expect(result.texts).toEqual(first!.texts);
}

const calls = 2000;
// Four processes of 2,000 calls each on a shared 2-core machine.
const workersTimeout = 180_000;

describePg("4 workers of one pipeline on one PostgreSQL store, async", () => {
  it(
    "overlapping (no shards): each of 2,000 calls is sent once, by one worker, and every worker has every answer",
    async () => {
      const schema = tempSchema();
      const tag = "overlap";
      const results = await runWorkers(
        Array.from({ length: 4 }, () =>
          workerSpec(schema, server.url, { tag, calls, options: { maxConcurrency: 16 } }),
        ),
      );
      expect(requestsPerAsk(tag, calls).filter((count) => count !== 1)).toEqual([]);
      expect(results.reduce((sum, result) => sum + result.sent, 0)).toBe(calls);
      // Every worker took part: claims spread the calls rather than one worker sending them all.
      for (const result of results) expect(result.sent).toBeGreaterThan(0);
      expectEveryAnswer(results, calls);
      expect(await adminQuery(`SELECT count(*)::int FROM ${schema}.claims`)).toEqual([[0]]);
    },
    workersTimeout,
  );

  it(
    "sharded (--shard k/4): each worker sends its shard's calls once, and waits in its run until the others' answers are stored",
    async () => {
      const schema = tempSchema();
      const tag = "sharded";
      const results = await runWorkers(
        Array.from({ length: 4 }, (_, index) =>
          workerSpec(schema, server.url, {
            tag,
            calls,
            shard: { index, count: 4 },
            untilDone: true,
            options: { maxConcurrency: 16 },
          }),
        ),
      );
      expect(requestsPerAsk(tag, calls).filter((count) => count !== 1)).toEqual([]);
      // Each worker sent exactly its own shard's calls (claims alone would spread them otherwise).
      const shardSizes = [0, 0, 0, 0];
      for (let index = 0; index < calls; index++) shardSizes[shardOf(`item-${index}`, 4)]!++;
      expect(results.map((result) => result.sent)).toEqual(shardSizes);
      // Each waited in its one run for the other shards' answers, rather than running again for them.
      expect(results.map((result) => result.runs)).toEqual([1, 1, 1, 1]);
      expectEveryAnswer(results, calls);
    },
    workersTimeout,
  );

  it(
    "a worker killed (SIGKILL) while it holds claims: they expire, another worker sends those calls, nothing answered is sent again",
    async () => {
      const schema = tempSchema();
      const tag = "killed";
      const killCalls = 40;
      // Asks 20 to 27 hang at the server while the first worker holds them; they answer at once afterwards.
      let hang = true;
      const slow = new RegExp(`${tag} item 2[0-7]\\b`);
      server.setLatency((context) => (hang && slow.test(context.prompt) ? 3000 : 2));
      try {
        const options = { maxConcurrency: 8, claimLeaseMs: 1000 };
        const doomed = startWorker(workerSpec(schema, server.url, { tag, calls: killCalls, options }));
        const killed = doomed.done.catch((error: Error) => error);
        await until(() => requestsPerAsk(tag, killCalls).filter((count) => count > 0).length === 28);
        // The first 20 answers are stored and their claims let go a moment later; the 8 calls
        // hanging and the 12 the worker took ahead of their slots stay claimed.
        while ((await adminQuery(`SELECT count(*)::int FROM ${schema}.claims`))[0]![0] !== 20) await pause(20);
        doomed.kill("SIGKILL");
        expect(String(await killed)).toContain("exited with SIGKILL");
        hang = false;

        const survivor = await startWorker(workerSpec(schema, server.url, { tag, calls: killCalls, options })).done;
        const perAsk = requestsPerAsk(tag, killCalls);
        // Answered before the kill: never sent again. Held by the killed worker: sent again once its claims expired.
        expect(perAsk.slice(0, 20)).toEqual(new Array(20).fill(1));
        expect(perAsk.slice(20, 28)).toEqual(new Array(8).fill(2));
        expect(perAsk.slice(28)).toEqual(new Array(12).fill(1));
        expect(survivor).toMatchObject({ replayed: 20, sent: 20 });
        expectEveryAnswer([survivor], killCalls);
        expect(await adminQuery(`SELECT count(*)::int FROM ${schema}.claims`)).toEqual([[0]]);
      } finally {
        server.setLatency(2);
      }
    },
    workersTimeout,
  );
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await pause(20);
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
