/**
 * `strategy: "dry-run"`: what the collected calls would cost, by provider and
 * model, sent directly and through the Batch API. Nothing is sent.
 */

import { countInputTokens } from "../providers/count-tokens.js";
import { costOf } from "../providers/model-prices.js";
import type { CollectedCall } from "./submit-batches.js";

export interface DryRunRow {
  readonly provider: string;
  readonly model: string;
  readonly calls: number;
  readonly inputTokens: number;
  /** How tokens were counted: a tokenizer name, or `"estimate"` (characters / 4). */
  readonly method: string;
  /** USD for the input tokens at list price; `undefined` when the model has no known price. */
  readonly directInputCost: number | undefined;
  readonly batchInputCost: number | undefined;
  /** The most output the calls may produce (when `maxTokens` is set on every call). */
  readonly maxOutputTokens: number | undefined;
}

export async function dryRunReport(collected: readonly CollectedCall[]): Promise<DryRunRow[]> {
  const rows = new Map<
    string,
    { provider: string; model: string; calls: number; tokens: number; method: string; maxOutput: number | undefined }
  >();
  for (const entry of collected) {
    const { provider, model, options } = entry.call.request;
    const key = `${provider}/${model}`;
    const count = await countInputTokens(entry.call.request);
    const row = rows.get(key) ?? { provider, model, calls: 0, tokens: 0, method: count.method, maxOutput: 0 };
    row.calls++;
    row.tokens += count.tokens;
    row.maxOutput =
      row.maxOutput === undefined || options?.maxTokens === undefined ? undefined : row.maxOutput + options.maxTokens;
    rows.set(key, row);
  }
  return [...rows.values()].map((row) => ({
    provider: row.provider,
    model: row.model,
    calls: row.calls,
    inputTokens: row.tokens,
    method: row.method,
    directInputCost: costOf(row.model, { input: row.tokens }),
    batchInputCost: costOf(row.model, { input: row.tokens }, { batch: true }),
    maxOutputTokens: row.maxOutput,
  }));
}
