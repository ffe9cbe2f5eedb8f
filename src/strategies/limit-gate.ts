/**
 * One limit's state, for the throttler: requests in flight, and the rolling
 * windows of its requests and tokens.
 */
import type { LimitRule, WindowRule } from "./rate-limits.js";
import { RollingWindow, type WindowEntry } from "./rolling-window.js";

/** A request's entry in one window, settled when the request ends. */
export interface Counted {
  readonly unit: WindowRule["unit"];
  readonly window: RollingWindow;
  readonly entry: WindowEntry;
}

/** One limit's state: requests in flight and its windows. */
export class LimitGate {
  readonly concurrency: number;
  readonly countsTokens: boolean;
  inFlight = 0;
  readonly #windows: readonly { readonly unit: WindowRule["unit"]; readonly window: RollingWindow }[];

  constructor(rule: LimitRule) {
    this.concurrency = rule.concurrency;
    this.#windows = rule.windows.map(({ unit, limit, perMs }) => ({
      unit,
      window: new RollingWindow(limit, perMs, arrivalMs),
    }));
    this.countsTokens = rule.windows.some((window) => window.unit === "tokens");
  }

  /** Milliseconds until a request of `tokens` may pass: 0 now, `Infinity` until a request in flight ends. */
  waitMs(tokens: number, now: number): number {
    if (this.inFlight >= this.concurrency) return Number.POSITIVE_INFINITY;
    let wait = 0;
    for (const { unit, window } of this.#windows) {
      wait = Math.max(wait, window.waitMs(unit === "tokens" ? tokens : 1, now));
    }
    return wait;
  }

  /** Counts a request in. */
  enter(tokens: number, now: number): Counted[] {
    this.inFlight++;
    return this.#windows.map(({ unit, window }) => ({
      unit,
      window,
      entry: window.add(unit === "tokens" ? tokens : 1, now),
    }));
  }
}

/**
 * A request still in flight a second after it was sent is taken to have
 * reached the provider (uploading a request takes less); one answered sooner
 * counts from its answer, which proves it arrived.
 */
export const arrivalMs = 1000;
