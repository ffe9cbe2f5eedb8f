/**
 * `hybrid`: collects like `batch`, but decides each round when it goes idle
 * (every open agent waits for a collected call): a round of fewer than
 * `minSize` calls is sent directly (under `maxConcurrency` and the `limits`), so
 * the tail of a pipeline does not wait a day for three requests; a larger one
 * goes into batches at close and its agents halt.
 */
import type { CollectedCall } from "../batch/submit-batches.js";
import type { LLMResult } from "../core/llm.js";
import type { ResponseHandle } from "../core/response-handle.js";
import { batchedHaltPromise, haltSignal } from "./batch-halt.js";
import type { DirectSendOptions } from "./batch-strategy.js";
import { QueueStrategy } from "./queue-strategy.js";
import type { CloseHost, CollectHost, StrategyReport } from "./strategy.js";

/** A collected call, and the agents waiting for its round to be decided. */
interface RoundEntry {
  readonly call: CollectedCall;
  /** The ask's handle, should its round be sent directly. */
  readonly handle: ResponseHandle;
  /** `collected`: undecided; `batched`: goes into a batch at close; `sent`: sent directly. */
  state: "collected" | "batched" | "sent";
  waiters: { resolve: (result: LLMResult) => void; reject: (error: unknown) => void }[] | undefined;
}

export class HybridStrategy extends QueueStrategy {
  /** Rounds with fewer collected calls are sent directly. */
  readonly #minSize: number;
  #entries: RoundEntry[] = [];

  constructor(options: DirectSendOptions & { readonly minSize?: number | undefined } = {}) {
    super("hybrid", options.maxConcurrency ?? 16, options.retry, options.limits, options.sharedWindows);
    this.#minSize = options.minSize ?? 100;
  }

  override get collects(): boolean {
    return true;
  }

  /** A call its provider cannot batch (no Batch API) is sent directly, as one that bypasses the store. */
  override decide(bypassesStore: boolean, batchable: boolean): "send" | "collect" {
    return bypassesStore || !batchable ? "send" : "collect";
  }

  override collect(call: CollectedCall, handle: ResponseHandle, host: CollectHost): void {
    const entry: RoundEntry = { call, handle, state: "collected", waiters: undefined };
    this.#entries.push(entry);
    handle._defer("absent", () => this.#awaitRound(entry, host));
  }

  override roundIdle(host: CollectHost): void {
    const round = this.#entries.filter((entry) => entry.state === "collected");
    if (round.length < this.#minSize) {
      for (const entry of round) this.#sendDirectly(entry, host);
      return;
    }
    for (const entry of round) {
      entry.state = "batched";
      const { seq, key } = entry.call;
      const halt = haltSignal(`Ask #${seq} of agent "${key.agent}" goes into a batch at close.`);
      for (const waiter of entry.waiters?.splice(0) ?? []) waiter.reject(halt);
    }
  }

  /** An undecided remainder smaller than a round is sent directly; the rest goes into batches. */
  override async close(host: CloseHost): Promise<StrategyReport> {
    const entries = this.#entries;
    this.#entries = [];
    const undecided = entries.filter((entry) => entry.state === "collected");
    if (undecided.length > 0 && undecided.length < this.#minSize) {
      for (const entry of undecided) this.#sendDirectly(entry, host);
      await host.drain();
    }
    const batched = entries.filter((entry) => entry.state !== "sent").map((entry) => entry.call);
    return batched.length === 0 ? {} : { submission: await host.submit(batched) };
  }

  #awaitRound(entry: RoundEntry, host: CollectHost): Promise<LLMResult> {
    if (entry.state === "batched") return batchedHaltPromise;
    return new Promise((resolve, reject) => {
      entry.waiters ??= [];
      entry.waiters.push({ resolve, reject });
      host.waits(entry.call.key.agent);
    });
  }

  #sendDirectly(entry: RoundEntry, host: CollectHost): void {
    entry.state = "sent";
    const promise = host.sendCollected(entry.call, entry.handle);
    entry.handle._await(promise);
    for (const waiter of entry.waiters?.splice(0) ?? []) promise.then(waiter.resolve, waiter.reject);
  }
}
