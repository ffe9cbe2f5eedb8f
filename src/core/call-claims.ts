/**
 * Claims of the calls this session sends, for a store several workers share:
 * a call is claimed as it gets its slot to be sent, so a call another worker
 * sends (or has answered) is not sent again. Claims asked for in the same turn
 * of the event loop go to the store in one statement; the leases of calls in
 * flight are renewed together; the calls other workers hold are polled
 * together, and one is taken over if its worker's lease runs out.
 */
import { answerKey, type CallKey, type ClaimOutcome, type Store } from "../store/store.js";
import { TickBatch } from "./tick-batch.js";

type ClaimingStore = Store & Required<Pick<Store, "claimCalls" | "renewClaims" | "releaseClaims">>;

/** How long a claim lasts unless renewed: a worker killed while sending holds its calls this long. */
export const defaultClaimLeaseMs = 60_000;

/**
 * How often calls another worker holds are polled: a quarter lease, from 50 ms to 250 ms
 * (a poll only reads, so a worker learns of another's answers soon after they are stored).
 */
const pollBounds = { fewestMs: 50, mostMs: 250 };

/** An ask waiting for a call another worker holds. */
interface Waiter {
  readonly key: CallKey;
  readonly stopped: () => boolean;
  readonly resolve: (outcome: ClaimOutcome | "stopped") => void;
  readonly reject: (error: unknown) => void;
}

export class CallClaims {
  readonly #store: ClaimingStore;
  readonly #holder: number;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  /** Calls another worker holds, and who waits for each. */
  #waiting: Waiter[] = [];
  #poll: NodeJS.Timeout | undefined;
  /** Claims asked for this turn, taken in one statement. */
  readonly #claims: TickBatch<CallKey, ClaimOutcome>;
  #releasing: CallKey[] = [];
  /** Calls this session holds a claim of (sent or about to be). */
  readonly #held = new Set<string>();
  #renewal: NodeJS.Timeout | undefined;
  /** The statements under way, which `close` waits for. */
  readonly #pending = new Set<Promise<unknown>>();

  /** Claims for `store`, or `undefined` when it has none (one process holds it alone): then nothing is claimed. */
  static for(store: Store, holder: number, leaseMs: number): CallClaims | undefined {
    if (!store.claimCalls || !store.renewClaims || !store.releaseClaims) return undefined;
    return new CallClaims(store as ClaimingStore, holder, leaseMs);
  }

  private constructor(store: ClaimingStore, holder: number, leaseMs: number) {
    this.#store = store;
    this.#holder = holder;
    this.#leaseMs = leaseMs;
    this.#pollMs = Math.min(pollBounds.mostMs, Math.max(pollBounds.fewestMs, leaseMs / 4));
    this.#claims = new TickBatch((keys) => this.#claim(keys), Number.POSITIVE_INFINITY);
  }

  /** Claim `key` (with the other claims of this turn). */
  take(key: CallKey): Promise<ClaimOutcome> {
    return this.#claims.get(key);
  }

  /**
   * `key` is held by another worker: wait until its answer is stored (`answered`) or
   * its claim is free and taken (`taken`). Every call waiting is polled in one claim
   * statement at a time, at most every quarter lease; `stopped` (the run stopped
   * sending) ends the wait.
   */
  awaitTurn(key: CallKey, stopped: () => boolean): Promise<ClaimOutcome | "stopped"> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ key, stopped, resolve, reject });
      this.#poll ??= setTimeout(() => void this.#pollWaiting(), this.#pollMs);
    });
  }

  /** The call was answered, or failed: let go of its claim (with the others released this turn). */
  release(key: CallKey): void {
    if (!this.#held.delete(answerKey(key))) return;
    if (this.#releasing.length === 0) setImmediate(() => this.#releaseAsked());
    this.#releasing.push(key);
    if (this.#held.size === 0) this.#stopRenewing();
  }

  /**
   * Stop renewing, and wait for the releases and renewals under way (the store closes next);
   * the claims were awaited by the sends that asked for them.
   */
  async close(): Promise<void> {
    this.#stopRenewing();
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  /** Claims `keys` in one statement (each call once, should one be asked for twice); the calls taken are held. */
  async #claim(keys: readonly CallKey[]): Promise<ClaimOutcome[]> {
    const unique = new Map(keys.map((key) => [answerKey(key), key]));
    const outcomes = await this.#store.claimCalls([...unique.values()], this.#holder, this.#leaseMs);
    const byCall = new Map([...unique.keys()].map((id, index) => [id, outcomes[index]!]));
    for (const [id, outcome] of byCall) if (outcome === "taken") this.#held.add(id);
    if (this.#held.size > 0) this.#startRenewing();
    return keys.map((key) => byCall.get(answerKey(key))!);
  }

  async #pollWaiting(): Promise<void> {
    const waiting: Waiter[] = [];
    for (const entry of this.#waiting.splice(0)) {
      if (entry.stopped()) entry.resolve("stopped");
      else waiting.push(entry);
    }
    // Taken in the same turn, so they go to the store as one statement.
    const outcomes = await Promise.allSettled(waiting.map((entry) => this.take(entry.key)));
    for (const [index, entry] of waiting.entries()) {
      const outcome = outcomes[index]!;
      if (outcome.status === "rejected") entry.reject(outcome.reason);
      else if (outcome.value === "held") this.#waiting.push(entry);
      else entry.resolve(outcome.value);
    }
    this.#poll = this.#waiting.length > 0 ? setTimeout(() => void this.#pollWaiting(), this.#pollMs) : undefined;
  }

  #releaseAsked(): void {
    const keys = this.#releasing;
    this.#releasing = [];
    // A release that fails leaves claims that expire after their lease: nothing is lost meanwhile.
    this.#track(this.#store.releaseClaims(keys, this.#holder).catch(() => {}));
  }

  #startRenewing(): void {
    if (this.#renewal) return;
    this.#renewal = setInterval(() => {
      // A renewal that fails is tried again at the next tick, well within the lease.
      this.#track(this.#store.renewClaims(this.#holder, this.#leaseMs).catch(() => {}));
    }, this.#leaseMs / 3);
    this.#renewal.unref();
  }

  #stopRenewing(): void {
    clearInterval(this.#renewal);
    this.#renewal = undefined;
  }

  #track(promise: Promise<unknown>): void {
    this.#pending.add(promise);
    void promise.finally(() => this.#pending.delete(promise));
  }
}
