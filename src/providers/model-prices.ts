/**
 * List prices per million tokens, as published by the providers. Shipped as data
 * with the date they were taken; unknown models get no price (never a guess).
 * Batch APIs bill half of these.
 */

export interface ModelPrice {
  /** USD per million input tokens. */
  readonly input: number;
  /** USD per million cached input tokens, where the provider discounts them. */
  readonly cachedInput?: number | undefined;
  /** USD per million output tokens. */
  readonly output: number;
}

/** When the table below was taken from the providers' pricing pages. */
export const pricesTakenOn = "2025-10-01";

/** Batch APIs (OpenAI, Anthropic, Gemini) bill this fraction of the list price. */
export const batchDiscount = 0.5;

const prices: Record<string, ModelPrice> = {
  "gpt-4.1": { input: 2, cachedInput: 0.5, output: 8 },
  "gpt-4.1-mini": { input: 0.4, cachedInput: 0.1, output: 1.6 },
  "gpt-4.1-nano": { input: 0.1, cachedInput: 0.025, output: 0.4 },
  "gpt-4o": { input: 2.5, cachedInput: 1.25, output: 10 },
  "gpt-4o-mini": { input: 0.15, cachedInput: 0.075, output: 0.6 },
  "gpt-5": { input: 1.25, cachedInput: 0.125, output: 10 },
  "gpt-5-mini": { input: 0.25, cachedInput: 0.025, output: 2 },
  "gpt-5-nano": { input: 0.05, cachedInput: 0.005, output: 0.4 },
  o3: { input: 2, cachedInput: 0.5, output: 8 },
  "o4-mini": { input: 1.1, cachedInput: 0.275, output: 4.4 },
  "claude-opus-4-1": { input: 15, cachedInput: 1.5, output: 75 },
  "claude-sonnet-4-5": { input: 3, cachedInput: 0.3, output: 15 },
  "claude-sonnet-4": { input: 3, cachedInput: 0.3, output: 15 },
  "claude-haiku-4-5": { input: 1, cachedInput: 0.1, output: 5 },
  "claude-3-5-haiku": { input: 0.8, cachedInput: 0.08, output: 4 },
  "gemini-2.5-pro": { input: 1.25, cachedInput: 0.31, output: 10 },
  "gemini-2.5-flash": { input: 0.3, cachedInput: 0.075, output: 2.5 },
  "gemini-2.5-flash-lite": { input: 0.1, cachedInput: 0.025, output: 0.4 },
  "gemini-2.0-flash": { input: 0.1, cachedInput: 0.025, output: 0.4 },
  // Embeddings bill input tokens only. Gemini's direct embeddings report no token counts, so their
  // cost shows as unknown (usage rows count them as `uncounted`); its batch results carry tokenCount.
  "gemini-embedding-001": { input: 0.15, output: 0 },
  "text-embedding-3-small": { input: 0.02, output: 0 },
  "text-embedding-3-large": { input: 0.13, output: 0 },
  "text-embedding-ada-002": { input: 0.1, output: 0 },
};

/**
 * The price of a model: exact name first, then a dated snapshot of a known
 * model (`gpt-4.1-mini-2025-04-14`, `claude-sonnet-4-5-20250929`).
 */
export function priceOf(model: string, overrides: Readonly<Record<string, ModelPrice>> = {}): ModelPrice | undefined {
  const exact = overrides[model] ?? prices[model];
  if (exact) return exact;
  const base = model.replace(/-(\d{4}-\d{2}-\d{2}|\d{8}|latest|preview[-\w]*)$/, "");
  return overrides[base] ?? prices[base];
}

/** Why a cost is not known, as every report says it: answers without token counts, else a model without a price. */
export function unknownCostLabel(uncounted: number): string {
  return uncounted > 0 ? "no token counts" : "no price";
}

/**
 * USD for the given tokens; `undefined` when the model has no known price, or when `uncounted`
 * answers came without token counts (their tokens are not in the sums: never priced as 0).
 */
export function costOf(
  model: string,
  tokens: {
    readonly input: number;
    readonly output?: number;
    readonly cachedInput?: number;
    readonly uncounted?: number;
  },
  options: { readonly batch?: boolean; readonly overrides?: Readonly<Record<string, ModelPrice>> } = {},
): number | undefined {
  const price = priceOf(model, options.overrides);
  if (!price || (tokens.uncounted ?? 0) > 0) return undefined;
  const cached = tokens.cachedInput ?? 0;
  const dollars =
    ((tokens.input - cached) * price.input +
      cached * (price.cachedInput ?? price.input) +
      (tokens.output ?? 0) * price.output) /
    1_000_000;
  return options.batch ? dollars * batchDiscount : dollars;
}
