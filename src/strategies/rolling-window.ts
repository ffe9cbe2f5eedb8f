/**
 * A rolling window of weighted entries: how much was sent in the last
 * `perMs` milliseconds (requests weigh 1, token entries their token count).
 *
 * The provider counts a request when it arrives, some time after it leaves
 * here and before its answer comes back. So an entry counts from when it is
 * sent until `perMs` after it settles (its answer or error came back), and at
 * most until `perMs` after `arrivalMs` when it is still in flight by then.
 */

/** One entry of a window. */
export interface WindowEntry {
  /** When it leaves the window. */
  end: number;
  weight: number;
}

/** At most `limit` of weight in any `perMs` milliseconds of arrivals at the provider. */
export class RollingWindow {
  readonly limit: number;
  readonly perMs: number;
  readonly arrivalMs: number;
  /** Ordered by `end`. */
  #entries: WindowEntry[] = [];
  #total = 0;

  /** `arrivalMs`: how long after sending a request still in flight is taken to have arrived. */
  constructor(limit: number, perMs: number, arrivalMs: number) {
    this.limit = limit;
    this.perMs = perMs;
    this.arrivalMs = arrivalMs;
  }

  /** The weight of the entries in the window at `now`. */
  used(now: number): number {
    this.#expire(now);
    return this.#total;
  }

  /**
   * Milliseconds from `now` until `weight` more fits; 0 when it fits now. A
   * weight above the limit fits only in an empty window, so it waits rather
   * than waiting forever.
   */
  waitMs(weight: number, now: number): number {
    this.#expire(now);
    const needed = Math.min(weight, this.limit);
    let total = this.#total;
    if (total + needed <= this.limit) return 0;
    for (const entry of this.#entries) {
      total -= entry.weight;
      if (total + needed <= this.limit) return entry.end - now;
    }
    return 0;
  }

  /** Records `weight` sent at `now`. */
  add(weight: number, now: number): WindowEntry {
    this.#expire(now);
    const entry: WindowEntry = { end: now + this.arrivalMs + this.perMs, weight };
    this.#insert(entry);
    this.#total += weight;
    return entry;
  }

  /**
   * The entry's request settled at `now`: it leaves the window `perMs` from now
   * (if that is sooner), weighing `weight` (the reported count) if given.
   */
  settle(entry: WindowEntry, now: number, weight?: number): void {
    const index = this.#entries.indexOf(entry);
    if (index < 0) return;
    this.#entries.splice(index, 1);
    entry.end = Math.min(entry.end, now + this.perMs);
    if (weight !== undefined) {
      this.#total += weight - entry.weight;
      entry.weight = weight;
    }
    this.#insert(entry);
  }

  #insert(entry: WindowEntry): void {
    let low = 0;
    let high = this.#entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.#entries[middle].end <= entry.end) low = middle + 1;
      else high = middle;
    }
    this.#entries.splice(low, 0, entry);
  }

  #expire(now: number): void {
    let count = 0;
    while (count < this.#entries.length && this.#entries[count].end <= now) {
      this.#total -= this.#entries[count].weight;
      count++;
    }
    if (count > 0) this.#entries.splice(0, count);
  }
}
