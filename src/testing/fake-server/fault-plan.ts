/**
 * Failure injection: queued failures (`failNext`) first, then random faults
 * (`setFaults`).
 */
import type { FailureInjection, FaultSettings, ReplyContext, StreamCut } from "./fake-server-types.js";
import type { ProviderFailure } from "./provider-routes.js";
import { checkTimes, matchesContext } from "./script-book.js";

/** What to do instead of answering. */
export type FaultDecision = { readonly kind: "drop" } | { readonly kind: "fail"; readonly failure: ProviderFailure };

/** Where a stream is cut off, and whether its response ends in good order there. */
export interface StreamCutDecision {
  readonly afterEvents: number;
  readonly ends: boolean;
}

/** Queued and random failures; `decide` is asked once per routed request. */
export class FaultPlan {
  readonly #queue: { readonly injection: FailureInjection; remaining: number }[] = [];
  readonly #cuts: { readonly cut: StreamCut; remaining: number }[] = [];
  readonly #random: () => number;
  #settings: FaultSettings | undefined;

  constructor(random: () => number) {
    this.#random = random;
  }

  failNext(injection: FailureInjection): void {
    _checkStatus(injection.status, "failNext()");
    checkTimes(injection.times, "failNext()");
    this.#queue.push({ injection, remaining: injection.times ?? 1 });
  }

  cutStream(cut: StreamCut): void {
    checkTimes(cut.times, "cutStream()");
    const after = cut.afterEvents;
    if (after !== undefined && !(Number.isInteger(after) && after >= 0)) {
      throw new TypeError(
        `[parallellm] [fake-server] Expected \`afterEvents\` in cutStream() to be a whole number from 0 up, got \`${after}\` (${typeof after}).`,
      );
    }
    this.#cuts.push({ cut, remaining: cut.times ?? 1 });
  }

  /** Where a streamed answer of `events` events is cut off, and how, if it is; a queued cut is used up. */
  decideCut(context: ReplyContext, events: number): StreamCutDecision | undefined {
    for (const entry of this.#cuts) {
      const { cut } = entry;
      if (entry.remaining <= 0) continue;
      if (cut.provider !== undefined && cut.provider !== context.provider) continue;
      if (!matchesContext(cut.match, context)) continue;
      entry.remaining -= 1;
      return { afterEvents: Math.min(cut.afterEvents ?? Math.floor(events / 2), events), ends: cut.ends === true };
    }
    return undefined;
  }

  setFaults(settings: FaultSettings | undefined): void {
    if (settings) {
      _checkRate(settings.rate, "rate");
      _checkRate(settings.dropConnectionRate ?? 0, "dropConnectionRate");
      if (settings.rate > 0 && settings.statuses.length === 0) {
        throw new TypeError(
          "[parallellm] [fake-server] `setFaults()` needs at least one status in `statuses` when `rate` is above 0.",
        );
      }
      for (const status of settings.statuses) _checkStatus(status, "setFaults()");
    }
    this.#settings = settings;
  }

  /** The fault for this request, if any; a queued failure is used up. */
  decide(context: ReplyContext): FaultDecision | undefined {
    for (const entry of this.#queue) {
      const { injection } = entry;
      if (entry.remaining <= 0) continue;
      if (injection.provider !== undefined && injection.provider !== context.provider) continue;
      if (!matchesContext(injection.match, context)) continue;
      entry.remaining -= 1;
      return { kind: "fail", failure: injection };
    }
    const settings = this.#settings;
    if (!settings) return undefined;
    if (this.#random() < (settings.dropConnectionRate ?? 0)) return { kind: "drop" };
    if (this.#random() >= settings.rate) return undefined;
    const status = settings.statuses[Math.floor(this.#random() * settings.statuses.length)];
    return {
      kind: "fail",
      failure: { status, retryAfterSeconds: settings.retryAfterSeconds, retryAfterMs: settings.retryAfterMs },
    };
  }
}

// --- internal ---

function _checkStatus(status: number, where: string): void {
  if (Number.isInteger(status) && status >= 400 && status <= 599) return;
  throw new TypeError(
    `[parallellm] [fake-server] Expected \`status\` in ${where} to be an HTTP error status from 400 to 599, got \`${status}\` (${typeof status}).`,
  );
}

function _checkRate(rate: number, name: string): void {
  if (typeof rate === "number" && rate >= 0 && rate <= 1) return;
  throw new TypeError(
    `[parallellm] [fake-server] Expected \`${name}\` in setFaults() to be a number from 0 to 1, got \`${rate}\` (${typeof rate}).`,
  );
}
