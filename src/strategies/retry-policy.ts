/**
 * Retries in one place: exponential backoff with full jitter, honouring the
 * delay a provider asks for. Adapters only classify; this decides.
 */
import { ProviderError } from "../core/errors.js";
import type { LLMResult } from "../core/llm.js";
import type { CallTask } from "./strategy.js";

export interface RetryPolicy {
  /** Attempts in all, the first included. @default 5 */
  readonly maxAttempts?: number | undefined;
  /** Base delay of the first retry. @default 500 */
  readonly initialDelayMs?: number | undefined;
  /** Longest single wait. @default 30000 */
  readonly maxDelayMs?: number | undefined;
  /** Give up once this much time has passed since the first attempt. @default 300000 */
  readonly maxElapsedMs?: number | undefined;
}

export interface RetryEnvironment {
  readonly sleep: (ms: number, signal: AbortSignal | undefined) => Promise<void>;
  readonly random: () => number;
  readonly now: () => number;
}

const defaultEnvironment: RetryEnvironment = {
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (!signal) return void setTimeout(resolve, ms);
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal.reason);
      };
      // The signal is shared by the whole run: a listener left behind by every retry slows every later request.
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    }),
  random: Math.random,
  now: Date.now,
};

/** Delay before retry number `retry` (1-based): full jitter, or the provider's own hint. */
export function retryDelay(
  retry: number,
  error: ProviderError,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const cap = policy.maxDelayMs ?? 30_000;
  if (error.retryAfterMs !== undefined) return Math.min(Math.max(0, error.retryAfterMs), Math.max(cap, 60_000));
  const ceiling = Math.min(cap, (policy.initialDelayMs ?? 500) * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Run a task's attempts until one succeeds, the error is not retryable, or the
 * policy is exhausted. Once `stop` is aborted no new attempt starts and a wait
 * before a retry ends at once, rejecting with its reason; an attempt in flight
 * is never aborted (its answer may already be paid for, and is stored).
 */
export async function runWithRetries(
  task: CallTask,
  policy: RetryPolicy,
  stop: AbortSignal | undefined,
  environment: RetryEnvironment = defaultEnvironment,
): Promise<LLMResult> {
  const maxAttempts = policy.maxAttempts ?? 5;
  const maxElapsedMs = policy.maxElapsedMs ?? 300_000;
  const started = environment.now();
  for (let attempt = 1; ; attempt++) {
    if (stop?.aborted) throw stop.reason;
    try {
      return await task.send();
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      const retried = error.isRetryable && attempt < maxAttempts;
      const delay = retried ? retryDelay(attempt, error, policy, environment.random) : 0;
      const retryInMs = retried && environment.now() + delay - started <= maxElapsedMs ? delay : undefined;
      task.attemptFailed(error, attempt, retryInMs);
      if (retryInMs === undefined) throw error;
      await environment.sleep(retryInMs, stop);
    }
  }
}
