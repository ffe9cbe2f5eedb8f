/**
 * The planner's checks against a Batch API's declared limits, made once for
 * every adapter (built in or a user's own) so each refuses with the same words.
 */
import { InputError } from "../core/errors.js";
import type { BatchApi } from "../providers/provider.js";

/**
 * @throws InputError when a limit of `provider`'s Batch API is not a whole number from 1 up.
 */
export function checkBatchLimits(provider: string, limits: BatchApi["limits"]): void {
  for (const name of ["maxRequests", "maxBytes"] as const) {
    const value = limits[name];
    if (Number.isInteger(value) && value >= 1) continue;
    throw new InputError(
      `[${provider}] Expected the Batch API limit \`${name}\` to be a whole number from 1 up, got \`${String(value)}\` (${typeof value}). Set it in \`batch.limits.${provider}\` (or the provider's \`batchLimits\`), or leave it out for the provider's own limit.`,
    );
  }
}

/** The error for one call (`call`, named) whose batch input line (`bytes`, newline included) is larger than a whole batch may be. */
export function lineTooLargeError(provider: string, call: string, bytes: number, maxBytes: number): InputError {
  return new InputError(
    `[${provider}] ${call} is ${bytes} bytes as a batch request, more than the batch limit of ${maxBytes} bytes, so no batch can hold it. Shorten its documents, or send it directly (strategy "async").`,
  );
}
