import { describe, expect, it } from "vitest";
import { costOf } from "../providers/model-prices.js";
import { liveProgress, storedProgress } from "./progress.js";

const row = (model: string, viaBatch: boolean, answers = 1, uncounted = 0) => ({
  model,
  answers,
  inputTokens: 1000 * (answers - uncounted),
  outputTokens: 100 * (answers - uncounted),
  cachedInputTokens: 0,
  uncounted,
  viaBatch,
});

describe("storedProgress", () => {
  it("sums a model's direct and batch answers, each at its price, sorted by model", () => {
    const progress = storedProgress(
      [row("gpt-4.1-mini", false, 2), row("claude-sonnet-4-5", true), row("gpt-4.1-mini", true)],
      3,
    );
    const direct = costOf("gpt-4.1-mini", { input: 2000, output: 200 })!;
    const batch = costOf("gpt-4.1-mini", { input: 1000, output: 100 }, { batch: true })!;
    expect(progress).toEqual({
      received: 4,
      batchesPending: 3,
      models: [
        {
          model: "claude-sonnet-4-5",
          received: 1,
          inputTokens: 1000,
          outputTokens: 100,
          uncounted: 0,
          cost: costOf("claude-sonnet-4-5", { input: 1000, output: 100 }, { batch: true }),
        },
        {
          model: "gpt-4.1-mini",
          received: 3,
          inputTokens: 3000,
          outputTokens: 300,
          uncounted: 0,
          cost: direct + batch,
        },
      ],
    });
  });

  it("gives no cost for a model without a price, and the run's prices over the table", () => {
    expect(storedProgress([row("my-tune", false)], 0).models[0].cost).toBeUndefined();
    const priced = storedProgress([row("my-tune", false)], 0, { "my-tune": { input: 1, output: 10 } });
    expect(priced.models[0].cost).toBeCloseTo((1000 * 1 + 100 * 10) / 1_000_000);
  });

  it("gives no cost for a model whose answers came in part without token counts, never a count of 0 priced", () => {
    const [line] = storedProgress(
      [row("gemini-embedding-001", true), row("gemini-embedding-001", false, 3, 3)],
      0,
    ).models;
    expect(line).toMatchObject({ received: 4, inputTokens: 1000, uncounted: 3, cost: undefined });
    const counted = storedProgress([row("gemini-embedding-001", true)], 0).models[0];
    expect(counted.cost).toBeCloseTo((1000 * 0.15 * 0.5) / 1_000_000, 12);
  });
});

describe("liveProgress", () => {
  it("adds the answers the run received to those ingested at open", () => {
    const received = new Map([
      ["gpt-4.1-mini", { received: 2, inputTokens: 2000, outputTokens: 200, cachedInputTokens: 0, uncounted: 0 }],
    ]);
    expect(liveProgress([row("gpt-4.1-mini", true)], received, 0, {})).toEqual(
      storedProgress([row("gpt-4.1-mini", true), row("gpt-4.1-mini", false, 2)], 0),
    );
  });
});
