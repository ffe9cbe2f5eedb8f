/** What every workspace reader checks of its arguments, and the price of a call's answer. */
import { InputError } from "../../core/errors.js";
import { costOf, type ModelPrice } from "../../providers/model-prices.js";
import type { CallKey } from "../store.js";
import type { CallDetail, OverviewOptions } from "../workspace-reader.js";

/** The answer in use priced as the cost report prices it: by the model asked, at the batch price when it came by batch. */
export function answerCost(
  detail: Omit<CallDetail, "cost">,
  prices: Readonly<Record<string, ModelPrice>>,
): number | undefined {
  const usage = detail.answer?.usage;
  if (usage?.inputTokens === undefined || detail.model === undefined) return undefined;
  const viaBatch = detail.answers.some((answer) => answer.inUse && answer.viaBatch);
  return costOf(
    detail.model,
    { input: usage.inputTokens, output: usage.outputTokens, cachedInput: usage.cachedInputTokens },
    { batch: viaBatch, overrides: prices },
  );
}

/** Refuses an `overview()` option that is not a whole number of rows. */
export function checkOverviewOptions(options: OverviewOptions): void {
  for (const name of ["sessions", "agents", "failures"] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new InputError(
        `overview({ ${name} }) takes a whole number of rows to list (0 or more), got ${String(value)}.`,
      );
    }
  }
}

/** Refuses a `call()` argument that is neither a call's id nor its identity. */
export function checkCallId(id: unknown): asserts id is number | CallKey {
  if (typeof id === "number" ? Number.isInteger(id) && id > 0 : isCallKey(id)) return;
  throw new InputError(
    `call() takes a call's id (a whole number, as calls() lists it) or its { agent, hash, occurrence }, got ${JSON.stringify(id) ?? String(id)}.`,
  );
}

function isCallKey(value: unknown): value is CallKey {
  const key = value as Partial<CallKey> | null;
  return (
    typeof key === "object" &&
    key !== null &&
    typeof key.agent === "string" &&
    typeof key.hash === "string" &&
    Number.isInteger(key.occurrence)
  );
}
