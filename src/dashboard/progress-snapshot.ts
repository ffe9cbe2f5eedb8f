/** What the live dashboard shows of a run, read from its counts each time it redraws. */
import type { RunTally } from "../core/run-tally.js";
import type { ModelPrice } from "../providers/model-prices.js";
import type { UsageRow } from "../store/store.js";
import type { ProgressSnapshot } from "./dashboard.js";
import { liveProgress } from "./progress.js";

export interface SnapshotSource {
  readonly strategy: string;
  readonly startedAt: number;
  readonly tally: RunTally;
  /** Tokens of the answers batches brought in when the run opened (read once). */
  readonly ingestedAtOpen: readonly UsageRow[];
  readonly batchesPending: number;
  /** forEach items done and in all. */
  readonly items: { readonly done: number; readonly total: number };
  readonly prices: Readonly<Record<string, ModelPrice>>;
}

export function progressSnapshot(source: SnapshotSource): ProgressSnapshot {
  const stats = source.tally.stats;
  const progress = liveProgress(source.ingestedAtOpen, source.tally.models, source.batchesPending, source.prices);
  return {
    strategy: source.strategy,
    elapsedMs: Date.now() - source.startedAt,
    asked: stats.asked,
    replayed: stats.replayed,
    sent: stats.sent,
    received: stats.received,
    failed: stats.failed,
    collected: stats.collected,
    batchesPending: progress.batchesPending,
    waitingOnWorkers: stats.waitingForShard + source.tally.waitingOnWorkers,
    itemsDone: source.items.done,
    itemsTotal: source.items.total,
    models: progress.models,
  };
}
