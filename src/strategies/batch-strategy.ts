import { InputError } from "../core/errors.js";
import { QueueStrategy } from "./queue-strategy.js";
import type { RateLimits } from "./rate-limits.js";
import type { RetryPolicy } from "./retry-policy.js";
import type { CallTask, Strategy } from "./strategy.js";

/**
 * `batch`: nothing is sent during the run; calls without an answer are
 * collected and go out as provider batches at close (about half price).
 * `hybrid`: the same, but a round with fewer than `minSize` collected calls is
 * sent directly (concurrently, under `maxConcurrency` and the `limits`), so the tail of a
 * pipeline does not wait a day for three requests.
 * `dry-run`: collects like `batch`; at close nothing is submitted, the calls are
 * only counted and priced.
 */
export function createBatchStrategy(
  name: "batch" | "hybrid" | "dry-run",
  options: { minSize?: number; maxConcurrency?: number; retry?: RetryPolicy; limits?: RateLimits } = {},
): Strategy {
  const minSize = options.minSize ?? 100;
  if (!Number.isInteger(minSize) || minSize < 0) {
    throw new InputError(`Expected \`batch.minSize\` to be a whole number from 0 and up, got ${String(minSize)}.`);
  }
  const direct = new QueueStrategy(name, options.maxConcurrency ?? 16, options.retry, options.limits);
  return {
    name,
    collect: { directBelow: name === "hybrid" ? minSize : 0 },
    run: (task: CallTask) => direct.run(task),
    stop: (reason: Error) => direct.stop(reason),
    drain: () => direct.drain(),
  };
}
