/**
 * A successful HTTP response that holds no readable answer: JSON cut off on
 * the way, or an envelope without its answer (no choices, no candidates, no
 * output). A provider or proxy fault, so it is handled like a 5xx: recorded
 * with each attempt, retried, and never stored as an answer.
 */
import { ParallellmError, TransientProviderError } from "../../core/errors.js";

/** Thrown by the body readers (`from-*`) for a body without an answer; adapters turn it into a `ProviderError`. */
export class UnreadableResponse extends ParallellmError {
  override name = "UnreadableResponse";
}

/**
 * The retryable `ProviderError` for `error` when it comes from reading a
 * response (invalid JSON from the SDK, or an `UnreadableResponse`); `undefined`
 * for anything else, which the caller rethrows unchanged.
 */
export function convertUnreadableResponse(
  error: unknown,
  provider: string,
  model: string | undefined,
): TransientProviderError | undefined {
  if (!(error instanceof SyntaxError) && !(error instanceof UnreadableResponse)) return undefined;
  const problem = error.message.length > 300 ? `${error.message.slice(0, 300)}…` : error.message;
  const where = model ? `${provider} (${model})` : provider;
  return new TransientProviderError(
    "server",
    `${where} sent a successful response without a readable answer (${problem}). The call is retried with backoff, and a rerun retries it again.`,
    { provider, model, providerMessage: `unreadable response: ${problem}`, cause: error },
  );
}
