/**
 * The Strategy seam: owns the decision for a call that has no stored answer
 * (send it now, or collect it for a provider batch), sends under retries and
 * limits, and is told when a round goes idle and when the run closes. It never
 * knows a vendor's wire format.
 */
import type { DryRunRow } from "../batch/dry-run-report.js";
import type { CollectedCall, SubmitReport } from "../batch/submit-batches.js";
import type { ProviderError } from "../core/errors.js";
import type { LLMRequest, LLMResult } from "../core/llm.js";
import type { ResponseHandle } from "../core/response-handle.js";

export type StrategyName = "sync" | "async" | "batch" | "hybrid" | "dry-run";

export interface CallTask {
  readonly provider: string;
  readonly model: string;
  /** What is sent (for limits that count tokens). */
  readonly request: LLMRequest;
  /** One attempt at the provider. Never aborted: stopping lets attempts in flight finish. */
  send(): Promise<LLMResult>;
  /**
   * Told about every failed attempt (the failures table records each): `retryInMs` is
   * the wait before the next attempt, `undefined` when the call is not retried.
   */
  attemptFailed(error: ProviderError, attempt: number, retryInMs: number | undefined): void;
  /** The call waits for a rate limit (told once when such a wait begins, with how long it is expected to last). */
  waitsForLimit(waitMs: number): void;
}

/** What the engine does for a strategy that collects. */
export interface CollectHost {
  /**
   * Send a collected call now, as an ask is sent (hybrid's small round); it no longer counts as collected.
   * `handle`: the ask's, so its answer streams when a consumer asked for a stream.
   */
  sendCollected(call: CollectedCall, handle?: ResponseHandle): Promise<LLMResult>;
  /** The agent of a collected call awaits it; once every open agent waits, the engine calls `roundIdle`. */
  waits(agent: string): void;
}

/** What the engine offers a strategy at close, once every sent call has ended. */
export interface CloseHost extends CollectHost {
  /** Submit calls as provider batches (archive, record, create). */
  submit(calls: readonly CollectedCall[]): Promise<SubmitReport>;
  /** Resolves when every sent call has been answered or has failed. */
  drain(): Promise<void>;
}

/** What a strategy did at close, for the run's summary. */
export interface StrategyReport {
  /** The batches submitted (or previewed). */
  readonly submission?: SubmitReport | undefined;
  /** Dry-run: what the collected calls would cost. */
  readonly dryRun?: readonly DryRunRow[] | undefined;
}

export interface Strategy {
  readonly name: StrategyName;
  /**
   * Calls without an answer may be collected: agents then wait for a round rather than
   * for a request, so `forEach` starts all its workers at once.
   */
  readonly collects: boolean;
  /**
   * A call without a stored answer: send it now, or collect it. `bypassesStore`: an
   * `ignoreCache`/`rewriteCache` ask; `batchable`: its provider has a Batch API.
   */
  decide(bypassesStore: boolean, batchable: boolean): "send" | "collect";
  /** Take a collected call: sets what awaiting `handle` does (halt the agent, or wait for the round). */
  collect(call: CollectedCall, handle: ResponseHandle, host: CollectHost): void;
  /** Every open agent waits for collected calls: the round is complete. */
  roundIdle(host: CollectHost): void;
  /** The run closes: submit (or report) what was collected, and let go of it. */
  close(host: CloseHost): Promise<StrategyReport>;
  /** Send the call under this strategy's rules; resolves with the answer or rejects after retries. */
  run(task: CallTask): Promise<LLMResult>;
  /** Send nothing more: queued calls reject with `reason` (auth failure, interruption); calls in flight finish. */
  stop(reason: Error): void;
  /** Resolves when nothing is queued or in flight. */
  drain(): Promise<void>;
}
