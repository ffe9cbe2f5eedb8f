/**
 * Claims of the calls this session sends, for a store several workers share:
 * a call is claimed as it gets its slot to be sent, so a call another worker
 * sends (or has answered) is not sent again. Claims asked for in the same turn
 * of the event loop go to the store in one statement; the leases of calls in
 * flight are renewed together; the calls other workers hold are polled
 * together, and one is taken over if its worker's lease runs out.
 *
 * Each claim statement also looks ahead at the calls waiting for a slot: it
 * takes a stock of them (so the slots that open next send at once, without a
 * statement each), and it remembers which are held or answered by other workers
 * (which ask a pipeline's calls in the same order), so a slot skips those
 * without a statement of its own; a slot whose call a statement under way looks
 * at waits for what it finds, and a statement made meanwhile takes only what the
 * stock still lacks (a worker holding more than it can send soon would leave
 * the others waiting on its slots). Claims are let go a moment after their asks
 * end, many in one statement: an answered call is never claimed again, so only
 * a call that failed waits that moment longer for another worker.
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
 * Claims taken ahead of their slots: a statement refills the stock once it is down to half,
 * so a worker sending 50 at once makes one claim statement per 32 calls or so.
 */
const aheadStock = 64;

/**
 * Calls looked ahead at per call to take (at least `fewestAhead`): a worker among n finds
 * about one call in n free. A worker behind the others finds every call held: it looks
 * twice as far each time, up to `mostAhead`.
 */
const aheadPerTake = 4;
const fewestAhead = 64;
const mostAhead = 4096;

/** How long a claim whose ask ended waits to be let go with the others ending meanwhile. */
const releaseDelayMs = 200;

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
  /** Looked-ahead calls found held or answered in a row, all of them: the next look-ahead goes further. */
  #aheadWidening = 1;
  /** Calls whose asks ended, still claimed: let go together after `releaseDelayMs`. */
  #releasing = new Map<string, CallKey>();
  #releaseTimer: NodeJS.Timeout | undefined;
  /** The release statement under way, and the calls it lets go: claiming one of them waits for it. */
  #released: { readonly ids: ReadonlySet<string>; readonly done: Promise<void> } | undefined;
  /** Calls whose asks have not ended (from `queued` to `settled`). */
  readonly #asked = new Set<string>();
  /** Calls this session holds a claim of (sent, about to be, or taken ahead). */
  readonly #held = new Set<string>();
  /** Of those, the calls taken ahead that have not had their slot yet. */
  readonly #ahead = new Set<string>();
  /** A refill of the stock of calls taken ahead is under way. */
  #refilling = false;
  /**
   * Calls to take ahead that the claim statements under way asked for: a statement made
   * while others run takes only what they leave short, so the stock stays near `aheadStock`
   * (taking more holds calls from the other workers, which then wait for this one's slots).
   */
  #aheadComing = 0;
  /**
   * Calls a claim statement under way looks ahead at, and when its outcomes are told: a
   * slot that comes for one meanwhile waits for them rather than making a statement of its own.
   */
  readonly #lookingAt = new Map<string, Promise<void>>();
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
    const id = answerKey(key);
    this.#queued.set(id, key);
    this.#asked.add(id);
  }

  /** `key` got its slot: claim it (with the other claims of this turn), unless looking ahead already did. */
  take(key: CallKey): Promise<SlotClaim> {
    const id = answerKey(key);
    const looking = this.#lookingAt.get(id);
    if (looking) return looking.then(() => this.take(key));
    this.#queued.delete(id);
    if (this.#ahead.delete(id)) {
      if (this.#ahead.size <= aheadStock / 2) this.#refill();
      return Promise.resolve("taken");
    }
    if (this.#held.has(id)) return Promise.resolve("taken");
    // Asked again (a failed call sent once more) before its claim was let go: it is still held.
    if (this.#releasing.delete(id)) {
      this.#held.add(id);
      this.#startRenewing();
      return Promise.resolve("taken");
    }
    const known = this.#known.get(id);
    if (known !== undefined) {
      this.#known.delete(id);
      return Promise.resolve(known);
    }
    const released = this.#released;
    if (released?.ids.has(id)) return released.done.then(() => this.#claims.get(key));
    return this.#claims.get(key);
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

  /** The ask of `key` ended, however it ended: forget it, and let go of its claim (with the others ending meanwhile). */
  settled(key: CallKey): void {
    const id = answerKey(key);
    this.#queued.delete(id);
    this.#known.delete(id);
    this.#ahead.delete(id);
    this.#asked.delete(id);
    if (!this.#held.delete(id)) return;
    this.#releaseLater(id, key);
    if (this.#held.size === 0) this.#stopRenewing();
  }

  #releaseLater(id: string, key: CallKey): void {
    this.#releasing.set(id, key);
    this.#releaseTimer ??= setTimeout(() => this.#releaseAsked(), releaseDelayMs);
  }

  /**
   * Let go of the claims whose asks ended, stop renewing, and wait for the statements under
   * way (the store closes next); the claims were awaited by the sends that asked for them.
   */
  async close(): Promise<void> {
    // A refill under way may take calls whose asks have ended: they are let go before the store closes.
    do {
      this.#releaseAsked();
      while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
    } while (this.#releasing.size > 0);
    this.#stopRenewing();
  }

  /** The claims of calls that got their slot, and of calls looked ahead at to fill the stock. */
  async #claimSlotted(keys: readonly CallKey[]): Promise<SlotClaim[]> {
    const slotted = new Map(keys.map((key) => [answerKey(key), key]));
    const outcomes = await this.#claimWithAhead([...slotted.values()]);
    const byCall = new Map([...slotted.keys()].map((id, index) => [id, outcomes[index] as SlotClaim]));
    return keys.map((key) => byCall.get(answerKey(key))!);
  }

  /** The stock of calls taken ahead is down to half: fill it up, in a statement of its own. */
  #refill(): void {
    if (this.#refilling || this.#queued.size === 0) return;
    this.#refilling = true;
    this.#track(
      this.#claimWithAhead([])
        .catch(() => {}) // The next slot claims its call itself.
        .finally(() => {
          this.#refilling = false;
        }),
    );
  }

  /**
   * Claims `slotted` and looks ahead at the calls waiting for a slot, taking as many as
   * fill the stock; resolves to the outcomes of `slotted`.
   */
  async #claimWithAhead(slotted: readonly CallKey[]): Promise<readonly ClaimOutcome[]> {
    const wanted = Math.max(0, aheadStock - this.#ahead.size - this.#aheadComing);
    const ahead = wanted > 0 ? this.#lookAhead(slotted.length + wanted) : [];
    if (slotted.length === 0 && ahead.length === 0) return [];
    this.#aheadComing += wanted;
    let told!: () => void;
    const outcomesTold = new Promise<void>((resolve) => {
      told = resolve;
    });
    for (const [id] of ahead) this.#lookingAt.set(id, outcomesTold);
    try {
      const outcomes = await this.#claim([...slotted, ...ahead.map(([, key]) => key)], slotted.length + wanted);
      this.#tellAhead(ahead, outcomes.slice(slotted.length));
      return outcomes.slice(0, slotted.length);
    } finally {
      this.#aheadComing -= wanted;
      for (const [id] of ahead) this.#lookingAt.delete(id);
      told();
    }
  }

  /** What a look-ahead found: calls taken join the stock, calls held or answered are known. */
  #tellAhead(ahead: readonly [string, CallKey][], outcomes: readonly ClaimOutcome[]): void {
    let anyFree = false;
    for (const [index, [id]] of ahead.entries()) {
      const outcome = outcomes[index]!;
      // A call free but not taken stays in the queue: the next claim looks at it first.
      if (outcome === "free") {
        anyFree = true;
        continue;
      }
      // Its ask ended while the statement ran: `#claim` let it go.
      if (!this.#queued.delete(id)) continue;
      if (outcome === "taken") {
        anyFree = true;
        this.#ahead.add(id);
      } else this.#known.set(id, outcome);
    }
    if (ahead.length > 0) this.#aheadWidening = anyFree ? 1 : this.#aheadWidening * 2;
  }

  /**
   * The first calls waiting for a slot that no claim has taken or found taken yet, with their ids:
   * as many as the calls to take warrant, wider after look-aheads that found none free.
   */
  #lookAhead(toTake: number): [string, CallKey][] {
    const count = Math.min(mostAhead, Math.max(fewestAhead, toTake * aheadPerTake) * this.#aheadWidening);
    const ahead: [string, CallKey][] = [];
    for (const entry of this.#queued) {
      if (ahead.length === count) break;
      if (!this.#lookingAt.has(entry[0])) ahead.push(entry);
    }
    return ahead;
  }

  /**
   * Claims `keys` in one statement (taking at most `most`); the calls taken are held, or
   * let go if their asks ended while the statement ran.
   */
  async #claim(keys: readonly CallKey[], most?: number): Promise<readonly ClaimOutcome[]> {
    const outcomes = await this.#store.claimCalls(keys, this.#holder, this.#leaseMs, most);
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome !== "taken") continue;
      const key = keys[index]!;
      const id = answerKey(key);
      if (this.#asked.has(id)) this.#held.add(id);
      else this.#releaseLater(id, key);
    }
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
    clearTimeout(this.#releaseTimer);
    this.#releaseTimer = undefined;
    if (this.#releasing.size === 0) return;
    const releasing = this.#releasing;
    this.#releasing = new Map();
    // A release that fails leaves claims that expire after their lease: nothing is lost meanwhile.
    const done = this.#store.releaseClaims([...releasing.values()], this.#holder).catch(() => {});
    const released = { ids: new Set(releasing.keys()), done };
    this.#released = released;
    this.#track(
      done.finally(() => {
        if (this.#released === released) this.#released = undefined;
      }),
    );
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
