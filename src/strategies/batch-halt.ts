/** What awaiting an answer that is not available in this run throws: the agent halts. */
import { NotAvailable } from "../core/errors.js";

/**
 * A NotAvailable without a stack trace: thrown once per halted agent (50,000 in a
 * big batch round), caught by the agent scope, never shown — the stack is pure cost.
 */
export function haltSignal(message: string): NotAvailable {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new NotAvailable(message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * What awaiting a batched call throws. One object for all (a big batch round halts
 * 50,000 agents): agent scopes catch it, and it is only seen by code that catches it itself.
 */
const batchedHalt = haltSignal(
  "This answer goes into a provider batch when the run closes; the agent stops here, and a later run continues from this ask once the batch is done.",
);

/** `batchedHalt` as a rejected promise, marked handled: awaiting it costs no unhandled-rejection bookkeeping. */
export const batchedHaltPromise: Promise<never> = Promise.reject(batchedHalt);
batchedHaltPromise.catch(() => {});
