/**
 * `batch`: nothing is sent during the run; calls without an answer are
 * collected, awaiting one halts the agent, and at close they go out as provider
 * batches (about half price). Asks that bypass the store (`ignoreCache`,
 * `rewriteCache`) are sent directly, under `maxConcurrency` and the `limits`.
 */
import type { CollectedCall } from "../batch/submit-batches.js";
import type { ResponseHandle } from "../core/response-handle.js";
import { batchedHaltPromise } from "./batch-halt.js";
import { QueueStrategy } from "./queue-strategy.js";
import type { RateLimits } from "./rate-limits.js";
import type { RetryPolicy } from "./retry-policy.js";
import type { CloseHost, StrategyReport } from "./strategy.js";
import type { SharedWindows } from "./throttler.js";

/** How the collecting strategies send what they send directly. */
export interface DirectSendOptions {
  readonly maxConcurrency?: number | undefined;
  readonly retry?: RetryPolicy | undefined;
  readonly limits?: RateLimits | undefined;
  /** Windows of the limits shared with the other workers of the store (see `Store.takeFromWindows`). */
  readonly sharedWindows?: SharedWindows | undefined;
}

export class BatchStrategy extends QueueStrategy {
  /** Only what submission needs: 50,000 of these wait for close in a big round (no handle, no ask location). */
  #collected: CollectedCall[] = [];

  constructor(options: DirectSendOptions = {}, name: "batch" | "dry-run" = "batch") {
    super(name, options.maxConcurrency ?? 16, options.retry, options.limits, options.sharedWindows);
  }

  override get collects(): boolean {
    return true;
  }

  /** A call its provider cannot batch (no Batch API) is sent directly, as one that bypasses the store. */
  override decide(bypassesStore: boolean, batchable: boolean): "send" | "collect" {
    return bypassesStore || !batchable ? "send" : "collect";
  }

  override collect(call: CollectedCall, handle: ResponseHandle): void {
    this.#collected.push(call);
    handle._halt(batchedHaltPromise);
  }

  override async close(host: CloseHost): Promise<StrategyReport> {
    const calls = this.takeCollected();
    return calls.length === 0 ? {} : { submission: await host.submit(calls) };
  }

  /** The calls collected this run; the strategy lets go of them. */
  protected takeCollected(): readonly CollectedCall[] {
    const calls = this.#collected;
    this.#collected = [];
    return calls;
  }
}
