/**
 * The fake server's rate limit: at most `requests` accepted requests in any
 * `windowMs`, the rest refused with 429 and a `retry-after`, as providers do.
 */
import type { FakeProviderName, RateLimitSettings } from "./fake-server-types.js";
import type { ProviderFailure } from "./provider-routes.js";

/** Counts accepted requests by arrival time; `admit` is asked once per routed request. */
export class RequestRateLimit {
  readonly #requests: number;
  readonly #windowMs: number;
  readonly #provider: FakeProviderName | undefined;
  /** Arrival times of the accepted requests. */
  #accepted: number[] = [];

  constructor(settings: RateLimitSettings) {
    this.#requests = _check(settings.requests, "requests", true);
    this.#windowMs = _check(settings.windowMs ?? 60_000, "windowMs", false);
    this.#provider = settings.provider;
  }

  /** `undefined` when a request that arrived at `time` is accepted (and counted); the 429 to send otherwise. */
  admit(provider: FakeProviderName, time: number): ProviderFailure | undefined {
    if (this.#provider !== undefined && provider !== this.#provider) return undefined;
    const windowMs = this.#windowMs;
    const latest = Math.max(time, this.#accepted.at(-1) ?? time);
    this.#accepted = this.#accepted.filter((at) => at > latest - 2 * windowMs);
    // With varying latency, requests are decided out of arrival order: check every
    // window the new arrival falls in, the ones ending at later arrivals too.
    const ends = [time, ...this.#accepted.filter((at) => at > time && at < time + windowMs)];
    for (const end of ends) {
      const inWindow = this.#accepted.filter((at) => at > end - windowMs && at <= end);
      if (inWindow.length + 1 > this.#requests) {
        const retryAfterMs = Math.max(1, Math.ceil(Math.min(...inWindow) + windowMs - time));
        return {
          status: 429,
          message: `Rate limit reached for requests: limit ${this.#requests} per ${windowMs} ms, used ${inWindow.length}, requested 1. Please try again in ${retryAfterMs}ms.`,
          retryAfterMs,
        };
      }
    }
    this.#accepted.push(time);
    this.#accepted.sort((a, b) => a - b);
    return undefined;
  }
}

// --- internal ---

function _check(value: number, name: string, whole: boolean): number {
  if (typeof value === "number" && value > 0 && Number.isFinite(value) && (!whole || Number.isInteger(value))) {
    return value;
  }
  throw new TypeError(
    `[parallellm] [fake-server] Expected \`rateLimit.${name}\` to be ${whole ? "a whole number from 1 and up" : "a number above 0"}, got \`${value}\` (${typeof value}).`,
  );
}
