/**
 * Asks of other shards' agents, in a sharded run that goes until done: rather
 * than halting their agents (and running the whole pipeline again to replay
 * what the other workers stored meanwhile), they wait in this run for those
 * answers, looked up in one turn per poll (one statement on PostgreSQL).
 * Other workers answer in roughly the order this one asked, so a poll looks
 * up the calls waited for longest, and every tenth poll all of them (four
 * workers waiting for 3,000 calls each would otherwise look up 120,000 keys a
 * second). When none of them was answered for `patienceMs`,
 * the waits give up and their agents halt as they would without waiting: the
 * next run sees what became of those calls (failed for good, or a worker gone).
 */
import type { CallKey, StoredAnswer } from "../store/store.js";
import { answerKey } from "../store/store.js";

/** How often the calls waited for are looked up: another worker's answer is seen this soon after it is stored. */
export const shardPollMs = 100;
/** Calls looked up by a poll, those waited for longest; every `fullPollEvery`th poll looks up all of them. */
const polledPerPoll = 256;
const fullPollEvery = 10;

interface Waiter {
  readonly id: string;
  readonly key: CallKey;
  readonly answered: Promise<StoredAnswer>;
  readonly resolve: (answer: StoredAnswer) => void;
  /** Ends the wait with the halt its ask gives without waiting. */
  readonly giveUp: () => void;
}

export class ShardWaits {
  readonly #lookup: (key: CallKey) => Promise<StoredAnswer | undefined>;
  readonly #patienceMs: number;
  readonly #waiting = new Map<string, Waiter>();
  #poll: NodeJS.Timeout | undefined;
  /** When a call waited for was last answered (or the first wait began). */
  #lastAnswerAt = 0;
  #stopped = false;
  #polls = 0;

  constructor(lookup: (key: CallKey) => Promise<StoredAnswer | undefined>, patienceMs: number) {
    this.#lookup = lookup;
    this.#patienceMs = patienceMs;
  }

  /**
   * The answer of `key` once another worker stores it; rejects with `halt()` when the
   * waits give up or stop. Waiting twice for one call shares one wait.
   */
  wait(key: CallKey, halt: () => Error): Promise<StoredAnswer> {
    const id = answerKey(key);
    const known = this.#waiting.get(id);
    if (known) return known.answered;
    if (this.#stopped) return Promise.reject(halt());
    let resolve!: (answer: StoredAnswer) => void;
    let reject!: (error: Error) => void;
    const answered = new Promise<StoredAnswer>((onAnswer, onHalt) => {
      resolve = onAnswer;
      reject = onHalt;
    });
    // Awaited by the ask's agent; a halt it gives is handled there.
    answered.catch(() => {});
    if (this.#waiting.size === 0) this.#lastAnswerAt = Date.now();
    this.#waiting.set(id, { id, key, answered, resolve, giveUp: () => reject(halt()) });
    this.#poll ??= setTimeout(() => void this.#pollWaiting(), shardPollMs);
    return answered;
  }

  /** The run stops (interrupted, or its last agent is done): every wait ends now, and none begins. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#poll);
    this.#poll = undefined;
    this.#giveUpAll();
  }

  async #pollWaiting(): Promise<void> {
    const full = ++this.#polls % fullPollEvery === 0;
    const waiting: Waiter[] = [];
    // A map iterates in insertion order: the calls waited for longest come first.
    for (const waiter of this.#waiting.values()) {
      if (!full && waiting.length === polledPerPoll) break;
      waiting.push(waiter);
    }
    try {
      // One turn: a store that reads lookups in bulk reads them all in one statement.
      const answers = await Promise.all(waiting.map((waiter) => this.#lookup(waiter.key)));
      for (const [index, answer] of answers.entries()) {
        if (!answer) continue;
        const waiter = waiting[index]!;
        this.#waiting.delete(waiter.id);
        waiter.resolve(answer);
        this.#lastAnswerAt = Date.now();
      }
    } catch {
      // A lookup that failed is tried again at the next poll; patience bounds how long.
    }
    if (Date.now() - this.#lastAnswerAt >= this.#patienceMs) this.#giveUpAll();
    this.#poll =
      this.#waiting.size > 0 && !this.#stopped ? setTimeout(() => void this.#pollWaiting(), shardPollMs) : undefined;
  }

  #giveUpAll(): void {
    const waiting = [...this.#waiting.values()];
    this.#waiting.clear();
    for (const waiter of waiting) waiter.giveUp();
  }
}
