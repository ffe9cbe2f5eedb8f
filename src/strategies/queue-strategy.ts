/**
 * Calls go through a FIFO queue of bounded concurrency (p-queue); `sync` is
 * the same queue with one slot, so requests go out one at a time in ask order.
 */
import { setMaxListeners } from "node:events";
import PQueue from "p-queue";
import type { LLMResult } from "../core/llm.js";
import { type RetryPolicy, runWithRetries } from "./retry-policy.js";
import type { CallTask, Strategy, StrategyName } from "./strategy.js";

export class QueueStrategy implements Strategy {
  readonly name: StrategyName;
  readonly #queue: PQueue;
  readonly #retry: RetryPolicy;
  readonly #abort = new AbortController();

  constructor(name: StrategyName, concurrency: number, retry: RetryPolicy = {}) {
    this.name = name;
    this.#queue = new PQueue({ concurrency });
    this.#retry = retry;
    // Every call in flight listens on the one stop signal.
    setMaxListeners(0, this.#abort.signal);
  }

  run(task: CallTask): Promise<LLMResult> {
    const signal = this.#abort.signal;
    if (signal.aborted) return Promise.reject(signal.reason);
    return this.#queue.add(() =>
      signal.aborted ? Promise.reject(signal.reason) : runWithRetries(task, this.#retry, signal),
    );
  }

  stop(reason: Error): void {
    if (!this.#abort.signal.aborted) this.#abort.abort(reason);
  }

  drain(): Promise<void> {
    return this.#queue.onIdle();
  }
}
