/**
 * `shard`: a worker sends only the calls of its shard's agents; the others halt,
 * counted as waiting for another shard, until a later run replays what that
 * shard's worker stored, or, in a run that goes until done, wait in the run for
 * those answers. Bad shards are refused before anything is touched.
 */
import { describe, expect, it } from "vitest";
import { shardOf } from "../src/core/agent-shard.js";
import { InputError, Parallellm, type ParallellmOptions } from "../src/index.js";
import { createMemoryStore, MockProvider } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

const items = Array.from({ length: 20 }, (_, index) => `item-${index}`);
const ofShard = (index: number) => items.filter((item) => shardOf(item, 2) === index);

function pipeline(pllm: Parallellm) {
  return pllm.forEach(
    items,
    (item) => item,
    (item, agent) => agent.ask(`Summarise ${item}.`).text(),
  );
}

describe("shard", () => {
  it("each worker sends its shard's calls; the other shard's agents halt until their answers are stored", async () => {
    const directory = tempWorkspace();
    const mock = new MockProvider();
    const printed: string[] = [];
    const options = (index: number): ParallellmOptions => ({
      llm: "mock-1",
      providers: { mock },
      shard: { index, count: 2 },
      summary: (text) => printed.push(text),
    });

    const first = await Parallellm.run(directory, options(0), pipeline);
    expect(mock.requests.map((request) => JSON.stringify(request.messages).match(/item-\d+/)?.[0])).toEqual(ofShard(0));
    expect(first.summary).toMatchObject({ sent: ofShard(0).length, waitingForShard: ofShard(1).length });
    expect(first.summary.halted).toBe(ofShard(1).length);
    expect(first.result.filter((text) => text === undefined)).toHaveLength(ofShard(1).length);
    expect(printed.at(-1)).toContain(
      `waiting   ${ofShard(1).length} asks wait for another shard's worker to send them`,
    );

    const second = await Parallellm.run(directory, options(1), pipeline);
    expect(second.summary).toMatchObject({ sent: ofShard(1).length, replayed: ofShard(0).length, halted: 0 });
    expect(second.result.every((text) => typeof text === "string")).toBe(true);

    const third = await Parallellm.run(directory, options(0), pipeline);
    expect(third.summary).toMatchObject({ sent: 0, replayed: items.length, waitingForShard: 0, halted: 0 });
    expect(mock.requestCount).toBe(items.length);
  });

  it("in the collecting strategies too: a worker collects only its shard's calls for its batches", async () => {
    const { summary } = await Parallellm.run(
      tempWorkspace(),
      {
        llm: "mock-1",
        providers: { mock: new MockProvider() },
        strategy: "dry-run",
        shard: { index: 1, count: 2 },
        summary: false,
      },
      pipeline,
    );
    expect(summary).toMatchObject({ collected: ofShard(1).length, waitingForShard: ofShard(0).length, sent: 0 });
  });

  it("with ignoreCache, the worker that asks sends: a deliberate resend never finds a stored answer", async () => {
    const mock = new MockProvider();
    const other = items.find((item) => shardOf(item, 2) === 1)!;
    const { summary } = await Parallellm.run(
      tempWorkspace(),
      { llm: "mock-1", providers: { mock }, shard: { index: 0, count: 2 }, summary: false },
      (pllm) => pllm.agent(other, (agent) => agent.ask("Fresh, please.", { ignoreCache: true }).text()),
    );
    expect(summary).toMatchObject({ sent: 1, waitingForShard: 0 });
  });

  it.each([
    [{ index: 2, count: 2 }, "Expected `shard.index` to be below `shard.count` (2), got 2"],
    [{ index: -1, count: 2 }, "`shard.index`"],
    [{ index: 0.5, count: 2 }, "`shard.index`"],
    [{ index: 0, count: 0 }, "`shard.count`"],
    [{ index: 0 }, "`shard` needs both index (from 0) and count"],
    [{ index: 0, count: 2, total: 2 }, "total"],
    ["1/2", "`shard`"],
  ])("refuses shard %j", async (shard, message) => {
    const options = { shard } as unknown as ParallellmOptions;
    const error = await Parallellm.open(tempWorkspace(), options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(message);
  });

  it("refuses a claim lease that is not a whole number of milliseconds", async () => {
    await expect(Parallellm.open(tempWorkspace(), { claimLeaseMs: 0 })).rejects.toThrow(/`claimLeaseMs`/);
  });
});

describe("shard with untilDone: waiting in the run", () => {
  it("an ask of another shard's agent waits in the run for the answer that shard's worker stores", async () => {
    const store = createMemoryStore();
    const mock = new MockProvider();
    const options = (index: number): ParallellmOptions => ({
      llm: "mock-1",
      providers: { mock },
      store,
      shard: { index, count: 2 },
      summary: false,
    });
    const first = Parallellm.run(tempWorkspace(), options(0), pipeline, { untilDone: true, pollInterval: 1 });
    // The first worker has sent its shard's calls and waits for the rest while the second one runs once.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const second = await Parallellm.run(tempWorkspace(), options(1), pipeline);
    expect(second.summary).toMatchObject({ sent: ofShard(1).length, replayed: ofShard(0).length, halted: 0 });

    const { runs, summary, result } = await first;
    expect(runs).toBe(1);
    expect(summary).toMatchObject({
      sent: ofShard(0).length,
      replayed: ofShard(1).length,
      waitingForShard: 0,
      halted: 0,
    });
    expect(result.every((text) => typeof text === "string")).toBe(true);
    expect(mock.requestCount).toBe(items.length);
  });

  it("gives up after a claim lease with no answer, halting those agents as without waiting; the next run waits again", async () => {
    const other = items.find((item) => shardOf(item, 2) === 1)!;
    const started = Date.now();
    const { runs, summary } = await Parallellm.run(
      tempWorkspace(),
      {
        llm: "mock-1",
        providers: { mock: new MockProvider() },
        store: createMemoryStore(),
        shard: { index: 0, count: 2 },
        claimLeaseMs: 300,
        summary: false,
      },
      (pllm) => pllm.agent(other, (agent) => agent.ask("Not mine.").text()),
      { untilDone: true, pollInterval: 1, maxRuns: 2 },
    );
    expect(runs).toBe(2);
    expect(summary).toMatchObject({ waitingForShard: 1, halted: 1, sent: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(2 * 300);
  });

  it("refuses shard.wait that is not a boolean", async () => {
    const error = await Parallellm.open(tempWorkspace(), {
      shard: { index: 0, count: 2, wait: "yes" },
    } as unknown as ParallellmOptions).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain("`shard.wait`");
  });
});

describe("a store given to Parallellm.run with untilDone", () => {
  it("serves every run, each one waiting for another shard's answers", async () => {
    const other = items.find((item) => shardOf(item, 2) === 1)!;
    const halting = (pllm: Parallellm) => pllm.agent(other, (agent) => agent.ask("Not mine.").text());
    const options = { llm: "mock-1", providers: { mock: new MockProvider() }, summary: false } as const;
    const store = createMemoryStore();
    const { runs, summary } = await Parallellm.run(
      tempWorkspace(),
      { ...options, store, shard: { index: 0, count: 2, wait: false } },
      halting,
      { untilDone: true, pollInterval: 1, maxRuns: 3 },
    );
    expect(runs).toBe(3);
    expect(summary.session).toBe(3);
  });
});
