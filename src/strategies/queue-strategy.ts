/**
 * Calls go through a FIFO queue of bounded concurrency (p-limit); `sync` is
 * the same queue with one slot, so requests go out one at a time in ask order.
 * p-limit rather than p-queue: we need no priorities, timeouts or events, and
 * p-queue's bookkeeping of them cost ~2.5 µs a call.
 */
import { setMaxListeners } from "node:events";
import pLimit, { type LimitFunction } from "p-limit";
import type { CollectedCall } from "../batch/submit-batches.js";
import type { LLMResult } from "../core/llm.js";
import type { ResponseHandle } from "../core/response-handle.js";
import type { RateLimits } from "./rate-limits.js";
import { type RetryPolicy, runWithRetries } from "./retry-policy.js";
import type { CallTask, CloseHost, CollectHost, Strategy, StrategyName, StrategyReport } from "./strategy.js";
import { type SharedWindows, Throttler } from "./throttler.js";

export class QueueStrategy implements Strategy {
  readonly name: StrategyName;
  readonly #limit: LimitFunction;
  /** Calls run or queued, and who waits for them all to end (`drain`). */
  #outstanding = 0;
  readonly #idle: (() => void)[] = [];
  readonly #retry: RetryPolicy;
  readonly #throttler: Throttler | undefined;
  #stopped: Error | undefined;
  /** Aborted by `stop`: ends the waits before retries (a retry is a new request; none goes out after a stop). */
  readonly #stop = new AbortController();

  /**
   * With `limits`, every attempt also waits for its provider's and model's limits (see `Throttler`),
   * and with `sharedWindows` for the other workers' takes from their windows too.
   */
  constructor(
    name: StrategyName,
    concurrency: number,
    retry: RetryPolicy = {},
    limits?: RateLimits,
    sharedWindows?: SharedWindows,
  ) {
    this.name = name;
    // With limits and several slots, the throttler keeps the cap (per request), so a
    // call waiting for one provider's limit holds no slot another provider could use.
    // One slot stays in the queue: one call at a time, retries included, in ask order.
    const throttlerHoldsCap = limits !== undefined && concurrency > 1;
    this.#limit = pLimit(throttlerHoldsCap ? Number.POSITIVE_INFINITY : concurrency);
    this.#throttler =
      limits && new Throttler(limits, { concurrency: throttlerHoldsCap ? concurrency : undefined, sharedWindows });
    this.#retry = retry;
    // Every call waiting to retry listens on the one stop signal.
    setMaxListeners(0, this.#stop.signal);
  }

  get collects(): boolean {
    return false;
  }

  /** Every call without an answer is sent (the collecting strategies extend this one and decide otherwise). */
  decide(_bypassesStore: boolean, _batchable: boolean): "send" | "collect" {
    return "send";
  }

  collect(call: CollectedCall, _handle: ResponseHandle, _host: CollectHost): void {
    throw new Error(
      `The ${this.name} strategy sends every call; ask #${call.seq} of agent "${call.key.agent}" was collected.`,
    );
  }

  roundIdle(_host: CollectHost): void {}

  async close(_host: CloseHost): Promise<StrategyReport> {
    return {};
  }

  run(task: CallTask): Promise<LLMResult> {
    if (this.#stopped) return Promise.reject(this.#stopped);
    const limited = this.#throttler?.throttle(task) ?? task;
    this.#outstanding++;
    const result = this.#limit(() =>
      this.#stopped ? Promise.reject(this.#stopped) : runWithRetries(limited, this.#retry, this.#stop.signal),
    );
    result.then(this.#ended, this.#ended);
    return result;
  }

  /**
   * Queued calls, calls waiting for a limit and calls waiting to retry reject with
   * `reason`; attempts in flight finish (their answers are stored).
   */
  stop(reason: Error): void {
    this.#stopped ??= reason;
    this.#throttler?.stop(reason);
    if (!this.#stop.signal.aborted) this.#stop.abort(reason);
  }

  drain(): Promise<void> {
    if (this.#outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  readonly #ended = (): void => {
    if (--this.#outstanding > 0) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  };
}
