/**
 * The part of a run's progress that the store can tell: answers received and
 * their tokens and cost by model, and batches pending. One function builds it,
 * for the live dashboard (from the run's counters, no query per frame) and for
 * a reader watching from outside (from the store), so both show one figure.
 */
import type { ModelUsage } from "../core/run-tally.js";
import { costOf, type ModelPrice } from "../providers/model-prices.js";
import type { ModelProgress } from "./dashboard.js";

/** Tokens of answers of one model, received directly or through batches. */
export interface ModelTokens {
  readonly model: string;
  readonly answers: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedInputTokens: number;
  /** Answers without token counts: their cost is unknown. */
  readonly uncounted: number;
  /** Billed at the batch discount. */
  readonly viaBatch: boolean;
}

export interface StoredProgress {
  /** Answers received (or ingested from batches), over every model. */
  readonly received: number;
  readonly batchesPending: number;
  /** By model, in the order of their names. */
  readonly models: readonly ModelProgress[];
}

/** What the answers of `row` cost at `prices` over the built-in table: `undefined` without a price, or with answers uncounted. */
export function tokensCost(row: ModelTokens, prices: Readonly<Record<string, ModelPrice>>): number | undefined {
  return costOf(
    row.model,
    { input: row.inputTokens, output: row.outputTokens, cachedInput: row.cachedInputTokens, uncounted: row.uncounted },
    { batch: row.viaBatch, overrides: prices },
  );
}

/** Sums `rows` by model, priced at `prices` over the built-in table; an unpriced model has no cost. */
export function storedProgress(
  rows: Iterable<ModelTokens>,
  batchesPending: number,
  prices: Readonly<Record<string, ModelPrice>> = {},
): StoredProgress {
  const byModel = new Map<string, { -readonly [key in keyof ModelProgress]: ModelProgress[key] }>();
  let received = 0;
  for (const row of rows) {
    received += row.answers;
    const cost = tokensCost(row, prices);
    const line = byModel.get(row.model);
    if (!line) {
      byModel.set(row.model, { ...row, received: row.answers, cost });
      continue;
    }
    line.received += row.answers;
    line.inputTokens += row.inputTokens;
    line.outputTokens += row.outputTokens;
    line.uncounted += row.uncounted;
    line.cost = line.cost === undefined || cost === undefined ? undefined : line.cost + cost;
  }
  const lines = [...byModel.values()].sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  const models = lines.map(({ model, received, inputTokens, outputTokens, uncounted, cost }) => ({
    model,
    received,
    inputTokens,
    outputTokens,
    uncounted,
    cost,
  }));
  return { received, batchesPending, models };
}

/**
 * The live dashboard's figures, without a query per frame: the answers batches
 * brought in when the run opened (`ingested`, read once), and the answers the
 * run has received since, by model, from its counters.
 */
export function liveProgress(
  ingested: readonly ModelTokens[],
  received: ReadonlyMap<string, Readonly<ModelUsage>>,
  batchesPending: number,
  prices: Readonly<Record<string, ModelPrice>>,
): StoredProgress {
  const sent = [...received].map(([model, usage]) => ({ model, answers: usage.received, ...usage, viaBatch: false }));
  return storedProgress(ingested.length > 0 ? [...ingested, ...sent] : sent, batchesPending, prices);
}
