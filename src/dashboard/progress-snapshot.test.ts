import { describe, expect, it } from "vitest";
import { RunTally } from "../core/run-tally.js";
import { progressSnapshot } from "./progress-snapshot.js";

describe("progressSnapshot", () => {
  it("counts as waiting on other workers the asks halted for another shard and those waiting for a claim", () => {
    const tally = new RunTally();
    const source = {
      strategy: "async",
      startedAt: Date.now(),
      tally,
      ingestedAtOpen: [],
      batchesPending: 0,
      items: { done: 0, total: 0 },
      prices: {},
    };
    expect(progressSnapshot(source).waitingOnWorkers).toBe(0);
    tally.stats.waitingForShard = 3;
    tally.waitingOnWorkers = 2;
    expect(progressSnapshot(source).waitingOnWorkers).toBe(5);
  });
});
