/**
 * The Strategy seam: decides when a call that has no stored answer is sent,
 * and owns retries and limits. It never knows a vendor's wire format.
 */
import type { ProviderError } from "../core/errors.js";
import type { LLMRequest, LLMResult } from "../core/llm.js";

export type StrategyName = "sync" | "async" | "batch" | "hybrid" | "dry-run";

export interface CallTask {
  readonly provider: string;
  readonly model: string;
  /** What is sent (for limits that count tokens). */
  readonly request: LLMRequest;
  /** One attempt at the provider. Never aborted: stopping lets attempts in flight finish. */
  send(): Promise<LLMResult>;
  /** Told about every failed attempt, retried or not (the failures table records each). */
  attemptFailed(error: ProviderError, attempt: number): void;
}

export interface Strategy {
  readonly name: StrategyName;
  /**
   * Present when calls without an answer are collected for provider batches
   * instead of sent: rounds with fewer than `directBelow` collected calls are
   * sent directly through `run` instead (0: never, pure batch).
   */
  readonly collect?: { readonly directBelow: number } | undefined;
  /** Send the call under this strategy's rules; resolves with the answer or rejects after retries. */
  run(task: CallTask): Promise<LLMResult>;
  /** Send nothing more: queued calls reject with `reason` (auth failure, interruption); calls in flight finish. */
  stop(reason: Error): void;
  /** Resolves when nothing is queued or in flight. */
  drain(): Promise<void>;
}
