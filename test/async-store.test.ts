/**
 * A store with no synchronous path (no `lookupSync`, `agentAnswersSync` or
 * `answeredCount`, as a database over the network has) in every strategy: each
 * looks the answer up before it sends or collects, so a rerun replays.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tournament } from "../examples/tournament-pipeline.js";
import { Parallellm, type ParallellmOptions } from "../src/index.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { Store } from "../src/store/store.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

const teams = ["Chiefs", "Bills", "Eagles", "49ers", "Ravens", "Lions", "Packers", "Cowboys"];
let server: FakeProviderServer;

beforeAll(async () => {
  server = await startFakeProviderServer();
  server.script({ match: /NFL teams/, reply: teams.join("\n") });
});
afterAll(() => server.close());

const hidden = new Set<PropertyKey>(["lookupSync", "agentAnswersSync", "answeredCount"]);

/** The SQLite store of `directory` without its synchronous members. */
async function asyncOnlyStore(directory: string): Promise<Store> {
  mkdirSync(directory, { recursive: true });
  const store = await createSqliteStore(join(directory, "store.sqlite"));
  return new Proxy(store, {
    get(target, property) {
      if (hidden.has(property)) return undefined;
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
    has: (target, property) => !hidden.has(property) && Reflect.has(target, property),
  });
}

async function runOnce(directory: string, options: ParallellmOptions) {
  const pllm = await Parallellm.open(directory, {
    llm: "gpt-4.1-mini",
    clients: server.clientsFor(),
    summary: false,
    store: await asyncOnlyStore(directory),
    ...options,
  });
  const standings = await tournament(pllm);
  const summary = await pllm.close();
  return { standings, summary };
}

describe("an asynchronous store", () => {
  it("batch: a run after ingest replays what was ingested and collects only the rest", async () => {
    const expected = (await runOnce(tempWorkspace("sync"), { strategy: "sync" })).standings;
    const directory = tempWorkspace("batch");
    const first = await runOnce(directory, { strategy: "batch" });
    expect(first.summary).toMatchObject({ asked: 1, collected: 1, sent: 0, halted: 1, replayed: 0 });

    const second = await runOnce(directory, { strategy: "batch" });
    expect(second.summary.batches).toMatchObject({ ingested: 1, ingestedAnswers: 1 });
    expect(second.summary).toMatchObject({ replayed: 1, collected: 28, sent: 0, halted: 28 });

    const third = await runOnce(directory, { strategy: "batch" });
    expect(third.standings).toEqual(expected);
    expect(third.summary).toMatchObject({ asked: 29, replayed: 29, collected: 0, sent: 0, halted: 0 });
    expect(third.summary.batches.submitted).toHaveLength(0);
    expect(third.summary.drift).toMatchObject({ judged: true, drifted: false, staleAnswers: 0 });
  });

  it("batch: a call waiting in a pending batch is not collected again", async () => {
    const directory = tempWorkspace("pending");
    server.setBatchBehavior({ completeAfterPolls: 100 });
    try {
      await runOnce(directory, { strategy: "batch" });
      const second = await runOnce(directory, { strategy: "batch" });
      expect(second.summary).toMatchObject({ inPendingBatches: 1, collected: 0, halted: 1 });
      expect(second.summary.batches.submitted).toHaveLength(0);
    } finally {
      server.setBatchBehavior({});
    }
  });

  it("hybrid: calls looked up and not found are decided in rounds as usual", async () => {
    const directory = tempWorkspace("hybrid-rounds");
    // Only the first ask is stored, so the store is not empty and every ask is looked up.
    const teamsOnly = await Parallellm.open(directory, {
      llm: "gpt-4.1-mini",
      clients: server.clientsFor(),
      summary: false,
      store: await asyncOnlyStore(directory),
    });
    await teamsOnly.agent("teams", (agent) => agent.ask("Name 8 NFL teams, one per line, names only.").text());
    await teamsOnly.close();

    const small = await runOnce(directory, { strategy: "hybrid", batch: { minSize: 100 } });
    expect(small.standings).toBeDefined();
    expect(small.summary).toMatchObject({ replayed: 1, sent: 28, collected: 0, halted: 0 });
    expect(small.summary.batches.submitted).toHaveLength(0);
  });

  for (const strategy of ["hybrid", "dry-run", "async", "sync"] as const) {
    it(`${strategy}: a rerun of a finished pipeline replays everything and sends nothing`, async () => {
      const directory = tempWorkspace(strategy);
      await runOnce(directory, { strategy: "async" });
      const rerun = await runOnce(directory, { strategy });
      expect(rerun.standings).toBeDefined();
      expect(rerun.summary).toMatchObject({ asked: 29, replayed: 29, sent: 0, collected: 0, halted: 0 });
      expect(rerun.summary.dryRun ?? []).toEqual([]);
      expect(rerun.summary.batches.submitted).toHaveLength(0);
    });
  }
});
