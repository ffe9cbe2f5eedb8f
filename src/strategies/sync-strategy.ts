import { QueueStrategy } from "./queue-strategy.js";
import type { RateLimits } from "./rate-limits.js";
import type { RetryPolicy } from "./retry-policy.js";
import type { Strategy } from "./strategy.js";
import type { SharedWindows } from "./throttler.js";

/** One request at a time, in ask order: for developing and debugging. */
export function createSyncStrategy(
  options: { retry?: RetryPolicy; limits?: RateLimits; sharedWindows?: SharedWindows | undefined } = {},
): Strategy {
  return new QueueStrategy("sync", 1, options.retry, options.limits, options.sharedWindows);
}
