/**
 * A streamed answer that stopped before its last event: the connection
 * dropped, or the stream ended early. Nothing of it is an answer, so it is
 * handled like a network failure: recorded with the attempt, retried, never stored.
 */
import { ParallellmError, TransientProviderError } from "../../core/errors.js";

/** The retryable error for a stream of `provider` cut off midway; `problem` says how. */
export function streamCut(provider: string, model: string, problem: string, cause?: unknown): TransientProviderError {
  return new TransientProviderError(
    "network",
    `${provider} (${model}) cut its streamed answer off midway (${problem}). Nothing of it is stored; the call is retried with backoff, and a rerun retries it again.`,
    { provider, model, providerMessage: `stream cut off: ${problem}`, cause },
  );
}

/** What went wrong while a stream was read, in a few words. */
export function describeCause(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/**
 * What a streaming call throws for `error`: `converted`, the adapter's own
 * classification, when it classified it or the stream was not `open` yet;
 * once open, anything else that broke it (a dropped connection, an event cut
 * in two) is a cut.
 */
export function streamFailure(
  error: unknown,
  converted: unknown,
  open: boolean,
  provider: string,
  model: string,
): unknown {
  if (converted !== error || !open || error instanceof ParallellmError) return converted;
  return streamCut(provider, model, describeCause(error), error);
}
