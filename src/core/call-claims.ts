/**
 * Claims of the calls this session sends, for a store several workers share:
 * a call is claimed as it gets its slot to be sent, so a call another worker
 * sends (or has answered) is not sent again. Claims asked for in the same turn
 * of the event loop go to the store in one statement; the leases of calls in
 * flight are renewed together; the calls other workers hold are polled
 * together, and one is taken over if its worker's lease runs out.
 *
 * Workers that run one pipeline ask its calls in the same order, so most calls
 * a worker reaches are held by another. Once that is seen, each claim statement
 * also looks ahead at the calls waiting for a slot: it takes one of them for each
 * slotted call (so the next slot to open sends at once, without waiting for a
 * statement), and it remembers which are held or answered, so a slot skips those
 * without a statement of its own.
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

/**
 * Calls looked ahead at per slotted call claimed (at least `fewestAhead`): a worker among
 * n finds about one call in n free, so this fills the slots of four workers in one statement.
 * A worker behind the others finds every call held: it looks twice as far each time, up to `mostAhead`.
 */
const aheadPerSlot = 4;
const fewestAhead = 64;
const mostAhead = 4096;

/** What claiming a call for its slot can give (`free` comes back only for calls looked ahead at). */
type SlotClaim = Exclude<ClaimOutcome, "free">;

/** An ask waiting for a call another worker holds. */
interface Waiter {
  readonly key: CallKey;
  readonly stopped: () => boolean;
  readonly resolve: (outcome: SlotClaim | "stopped") => void;
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
  /** Claims asked for this turn by calls that got their slot, taken in one statement. */
  readonly #claims: TickBatch<CallKey, SlotClaim>;
  /** Calls waiting for a slot that no claim has taken or found taken yet, in the order they were asked. */
  readonly #queued = new Map<string, CallKey>();
  /** What looking ahead found of calls waiting for a slot: told at their slot without a statement. */
  readonly #known = new Map<string, "held" | "answered">();
  /** Set once a slotted call was found held or answered by another worker: from then on, claims look ahead. */
  #othersSend = false;
  /** Looked-ahead calls found held or answered in a row, all of them: the next look-ahead goes further. */
  #aheadWidening = 1;
  #releasing: CallKey[] = [];
  /** Calls this session holds a claim of (sent, about to be, or taken ahead). */
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
    this.#claims = new TickBatch((keys) => this.#claimSlotted(keys), Number.POSITIVE_INFINITY);
  }

  /** `key` waits for a slot to be sent: a claim made meanwhile may look ahead at it. Ends with `settled`. */
  queued(key: CallKey): void {
    this.#queued.set(answerKey(key), key);
  }

  /** `key` got its slot: claim it (with the other claims of this turn), unless looking ahead already did. */
  take(key: CallKey): Promise<SlotClaim> {
    const id = answerKey(key);
    this.#queued.delete(id);
    if (this.#held.has(id)) return Promise.resolve("taken");
    const known = this.#known.get(id);
    if (known === undefined) return this.#claims.get(key);
    this.#known.delete(id);
    return Promise.resolve(known);
  }

  /**
   * `key` is held by another worker: wait until its answer is stored (`answered`) or
   * its claim is free and taken (`taken`). Every call waiting is polled in one claim
   * statement at a time, at most every quarter lease; `stopped` (the run stopped
   * sending) ends the wait.
   */
  awaitTurn(key: CallKey, stopped: () => boolean): Promise<SlotClaim | "stopped"> {
    return new Promise((resolve, reject) => {
      this.#waiting.push({ key, stopped, resolve, reject });
      this.#poll ??= setTimeout(() => void this.#pollWaiting(), this.#pollMs);
    });
  }

  /** The ask of `key` ended, however it ended: forget it, and let go of its claim (with the others released this turn). */
  settled(key: CallKey): void {
    const id = answerKey(key);
    this.#queued.delete(id);
    this.#known.delete(id);
    if (!this.#held.delete(id)) return;
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

  /** The claims of calls that got their slot, and, once other workers are seen sending, of calls looked ahead at. */
  async #claimSlotted(keys: readonly CallKey[]): Promise<SlotClaim[]> {
    const slotted = new Map(keys.map((key) => [answerKey(key), key]));
    const lookAhead = this.#othersSend;
    const ahead = lookAhead ? this.#lookAhead(slotted.size) : [];
    const keysAhead = ahead.map(([, key]) => key);
    const outcomes = await this.#claim([...slotted.values(), ...keysAhead], (lookAhead ? 2 : 1) * slotted.size);
    let anyFree = false;
    for (const [index, [id]] of ahead.entries()) {
      const outcome = outcomes[slotted.size + index]!;
      // A call free but not taken stays in the queue: the next claim looks at it first.
      if (outcome === "free") {
        anyFree = true;
        continue;
      }
      this.#queued.delete(id);
      if (outcome === "taken") anyFree = true;
      else this.#known.set(id, outcome);
    }
    if (ahead.length > 0) this.#aheadWidening = anyFree ? 1 : this.#aheadWidening * 2;
    const byCall = new Map([...slotted.keys()].map((id, index) => [id, outcomes[index] as SlotClaim]));
    if (!this.#othersSend) this.#othersSend = [...byCall.values()].some((outcome) => outcome !== "taken");
    return keys.map((key) => byCall.get(answerKey(key))!);
  }

  /**
   * The first calls waiting for a slot that no claim has taken or found taken yet, with their ids:
   * as many as this turn's slotted calls warrant, wider after look-aheads that found none free.
   */
  #lookAhead(slotted: number): [string, CallKey][] {
    const count = Math.min(mostAhead, Math.max(fewestAhead, slotted * aheadPerSlot) * this.#aheadWidening);
    const ahead: [string, CallKey][] = [];
    for (const entry of this.#queued) {
      if (ahead.length === count) break;
      ahead.push(entry);
    }
    return ahead;
  }

  /** Claims `keys` in one statement (taking at most `most`); the calls taken are held. */
  async #claim(keys: readonly CallKey[], most?: number): Promise<readonly ClaimOutcome[]> {
    const outcomes = await this.#store.claimCalls(keys, this.#holder, this.#leaseMs, most);
    for (const [index, outcome] of outcomes.entries()) if (outcome === "taken") this.#held.add(answerKey(keys[index]!));
    if (this.#held.size > 0) this.#startRenewing();
    return outcomes;
  }

  async #pollWaiting(): Promise<void> {
    const waiting: Waiter[] = [];
    for (const entry of this.#waiting.splice(0)) {
      if (entry.stopped()) entry.resolve("stopped");
      else waiting.push(entry);
    }
    // Each call once, should two asks wait for one call.
    const keys = [...new Map(waiting.map((entry) => [answerKey(entry.key), entry.key])).values()];
    try {
      const outcomes = keys.length === 0 ? [] : await this.#claim(keys);
      const byCall = new Map(keys.map((key, index) => [answerKey(key), outcomes[index] as SlotClaim]));
      for (const entry of waiting) {
        const outcome = byCall.get(answerKey(entry.key))!;
        if (outcome === "held") this.#waiting.push(entry);
        else entry.resolve(outcome);
      }
    } catch (error) {
      for (const entry of waiting) entry.reject(error);
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
