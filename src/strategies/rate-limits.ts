/**
 * The `limits` option: what a provider or one of its models accepts, checked
 * once at open and turned into the windows the throttler keeps.
 */
import { unknownOption } from "../core/check-options.js";
import { InputError } from "../core/errors.js";
import type { ProviderName } from "../core/llm.js";

/**
 * Limits of a provider or of one model. Requests over a limit wait; they never
 * fail for it. All windows are rolling.
 *
 * @example
 * { rpm: 500, tpm: 200_000, concurrency: 50 }
 * { requests: 60, perMs: 10_000 } // 60 requests in any 10 seconds
 */
export interface RateLimit {
  /** Requests in flight at once. */
  readonly concurrency?: number;
  /** Requests per minute (any 60 s). */
  readonly rpm?: number;
  /**
   * Tokens per minute: each request counts its estimated input tokens plus its
   * `maxTokens` until the answer reports the real input + output tokens.
   */
  readonly tpm?: number;
  /** Requests per `perMs` window (for limits that are not per minute). */
  readonly requests?: number;
  /** Tokens per `perMs` window, counted as for `tpm`. */
  readonly tokens?: number;
  /** The window of `requests` and `tokens`, in milliseconds. @default 60000 */
  readonly perMs?: number;
}

/**
 * Limits by provider (`"openai"`) and by model (`"openai/gpt-4.1-mini"`); a
 * request must satisfy both its provider's and its model's.
 */
export type RateLimits = {
  readonly [key in ProviderName | `${ProviderName}/${string}`]?: RateLimit;
};

/** One rolling window of a limit, normalised. */
export interface WindowRule {
  readonly unit: "requests" | "tokens";
  readonly limit: number;
  readonly perMs: number;
}

/** A limit, normalised: `concurrency` is `Infinity` when not limited. */
export interface LimitRule {
  readonly concurrency: number;
  readonly windows: readonly WindowRule[];
}

/** Checks `limits` and normalises each entry; throws an `InputError` that names the bad setting. */
export function parseRateLimits(limits: RateLimits): Map<string, LimitRule> {
  const rules = new Map<string, LimitRule>();
  for (const [key, limit] of Object.entries(limits) as [string, RateLimit | undefined][]) {
    const slash = key.indexOf("/");
    const provider = slash < 0 ? key : key.slice(0, slash);
    // Whether `provider` is registered is checked where the run's providers are known.
    if (provider === "" || slash === key.length - 1) {
      throw new InputError(
        `Unknown key "${key}" in \`limits\`: use a provider ("openai") or provider/model ("openai/gpt-4.1-mini").`,
      );
    }
    if (limit === undefined) continue;
    if (typeof limit !== "object" || limit === null) {
      throw new InputError(`Expected \`limits["${key}"]\` to be { rpm, tpm, concurrency, ... }, got ${String(limit)}.`);
    }
    for (const field of Object.keys(limit)) {
      if (!Object.hasOwn(_fields, field)) throw unknownOption(field, Object.keys(_fields), `\`limits["${key}"]\``);
    }
    const at = (field: keyof RateLimit) => `limits["${key}"].${field}`;
    const perMs = _positive(limit.perMs, at("perMs"), false) ?? 60_000;
    const windows: WindowRule[] = [];
    const add = (unit: WindowRule["unit"], value: number | undefined, windowMs: number) => {
      if (value !== undefined) windows.push({ unit, limit: value, perMs: windowMs });
    };
    add("requests", _positive(limit.rpm, at("rpm"), true), 60_000);
    add("tokens", _positive(limit.tpm, at("tpm"), true), 60_000);
    add("requests", _positive(limit.requests, at("requests"), true), perMs);
    add("tokens", _positive(limit.tokens, at("tokens"), true), perMs);
    const concurrency = _positive(limit.concurrency, at("concurrency"), true) ?? Number.POSITIVE_INFINITY;
    rules.set(key, { concurrency, windows });
  }
  return rules;
}

// --- internal ---

/** Every field of a limit; `satisfies` keeps it in step with `RateLimit`. */
const _fields = {
  concurrency: true,
  rpm: true,
  tpm: true,
  requests: true,
  tokens: true,
  perMs: true,
} satisfies Record<keyof RateLimit, true>;

function _positive(value: number | undefined, name: string, whole: boolean): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number" && value > 0 && Number.isFinite(value) && (!whole || Number.isInteger(value))) {
    return value;
  }
  const expected = whole ? "a whole number from 1 and up" : "a number above 0";
  throw new InputError(`Expected \`${name}\` to be ${expected}, got \`${String(value)}\` (${typeof value}).`);
}
