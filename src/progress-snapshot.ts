/** What the live dashboard shows of a run, read from its counts each time it redraws. */
import type { RunTally } from "./core/run-tally.js";
import type { ProgressSnapshot } from "./dashboard/dashboard.js";
import { costOf } from "./providers/model-prices.js";

export interface SnapshotSource {
  readonly strategy: string;
  readonly startedAt: number;
  readonly tally: RunTally;
  readonly batchesPending: number;
  /** forEach items done and in all. */
  readonly items: { readonly done: number; readonly total: number };
}

export function progressSnapshot(source: SnapshotSource): ProgressSnapshot {
  const stats = source.tally.stats;
  return {
    strategy: source.strategy,
    elapsedMs: Date.now() - source.startedAt,
    asked: stats.asked,
    replayed: stats.replayed,
    sent: stats.sent,
    received: stats.received,
    failed: stats.failed,
    collected: stats.collected,
    batchesPending: source.batchesPending,
    itemsDone: source.items.done,
    itemsTotal: source.items.total,
    models: [...source.tally.models].map(([model, usage]) => ({
      model,
      received: usage.received,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cost: costOf(model, {
        input: usage.inputTokens,
        output: usage.outputTokens,
        cachedInput: usage.cachedInputTokens,
      }),
    })),
  };
}
