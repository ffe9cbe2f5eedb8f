/** What earlier runs left for this one (read at open): calls waiting in provider batches, calls that failed. */
import { answerKey, type CallKey, type FailedCall } from "../store/store.js";
import { isFailedForGood } from "./failed-for-good.js";

export class EarlierOutcomes {
  #pendingInBatches: ReadonlySet<string> = new Set();
  /** Calls without an answer that failed before, by `answerKey`. */
  #failedBefore: ReadonlyMap<string, FailedCall> = new Map();
  #retryFailed = false;

  /** Calls waiting in provider batches of earlier runs. */
  setPendingCalls(keys: ReadonlySet<string>): void {
    this.#pendingInBatches = keys;
  }

  /** Calls without an answer that failed before; those that failed for good are sent again only with `retry`. */
  setFailedCalls(calls: readonly FailedCall[], retry: boolean): void {
    this.#failedBefore = new Map(calls.map((call) => [answerKey(call), call]));
    this.#retryFailed = retry;
  }

  /** True when the call waits in a provider batch: its answer is pending, not to be sent again. */
  inPendingBatch(key: CallKey): boolean {
    return this.#pendingInBatches.size > 0 && this.#pendingInBatches.has(answerKey(key));
  }

  /** The failure that keeps this call from being sent again (failed for good, and no `retryFailed`). */
  failedForGood(key: CallKey): FailedCall | undefined {
    if (this.#failedBefore.size === 0 || this.#retryFailed) return undefined;
    const failure = this.#failedBefore.get(answerKey(key));
    return failure && isFailedForGood(failure) ? failure : undefined;
  }

  /** The call failed in an earlier run: when it goes again, it is not new. */
  failedBefore(key: CallKey): boolean {
    return this.#failedBefore.size > 0 && this.#failedBefore.has(answerKey(key));
  }
}
