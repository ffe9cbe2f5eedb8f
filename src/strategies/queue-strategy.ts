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
  #stopped: Error | undefined;

  constructor(name: StrategyName, concurrency: number, retry: RetryPolicy = {}) {
    this.name = name;
    this.#queue = new PQueue({ concurrency });
    this.#retry = retry;
    // Every call in flight listens on the one stop signal.
    setMaxListeners(0, this.#abort.signal);
  }

  run(task: CallTask): Promise<LLMResult> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    return this.#queue.add(() =>
      this.#stopped ? Promise.reject(this.#stopped) : runWithRetries(task, this.#retry, this.#abort.signal),
    );
  }

  /** Queued calls reject with `reason`; calls in flight finish (their answers are stored). */
  stop(reason: Error): void {
    this.#stopped ??= reason;
  }

  drain(): Promise<void> {
    return this.#queue.onIdle();
  }
}
