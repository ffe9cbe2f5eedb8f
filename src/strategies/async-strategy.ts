import { InputError } from "../core/errors.js";
import { QueueStrategy } from "./queue-strategy.js";
import type { RateLimits } from "./rate-limits.js";
import type { RetryPolicy } from "./retry-policy.js";
import type { Strategy } from "./strategy.js";
import type { SharedWindows } from "./throttler.js";

/** Requests run concurrently, never more than `maxConcurrency` in flight, within the `limits`. */
export function createAsyncStrategy(
  options: {
    maxConcurrency?: number;
    retry?: RetryPolicy;
    limits?: RateLimits;
    sharedWindows?: SharedWindows | undefined;
  } = {},
): Strategy {
  const maxConcurrency = options.maxConcurrency ?? 16;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1) {
    throw new InputError(
      `Expected \`maxConcurrency\` to be a whole number from 1 and up, got ${String(maxConcurrency)}.`,
    );
  }
  return new QueueStrategy("async", maxConcurrency, options.retry, options.limits, options.sharedWindows);
}
