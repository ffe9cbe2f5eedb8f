/**
 * Group collected calls by provider, model and endpoint (embeddings apart), and split each group
 * so no batch exceeds the provider's request-count or byte limit.
 */
import type { LLMRequest } from "../core/llm.js";
import type { BatchApi } from "../providers/provider.js";
import { checkBatchLimits, lineTooLargeError } from "./check-batch-limits.js";

export interface PlannedBatch<Call> {
  readonly provider: string;
  readonly model: string;
  readonly calls: readonly Call[];
  /** Each call's index in the planned list (what its custom id is made from). */
  readonly indices: readonly number[];
  /** Bytes of the JSONL input (lines and newlines). */
  readonly bytes: number;
}

/** How `planBatches` reads calls and where it puts their input lines. */
export interface PlanSources<Call> {
  /** The call's request. */
  readonly requestOf: (call: Call) => LLMRequest;
  /** The custom id of the call at `index` (its place in `calls`). */
  readonly customIdOf: (index: number) => string;
  /** The call as a person would name it in an error, e.g. `Ask #3 of agent "judge"`. */
  readonly nameOf: (call: Call) => string;
  readonly batchApiFor: (provider: string) => BatchApi;
  /**
   * Takes each input line as soon as it is made (`batch`: the index of its
   * plan; `bytes`: its size with the newline), so the lines of a 200 MB batch
   * never all sit in memory.
   */
  readonly writeLine: (batch: number, line: string, bytes: number) => void;
}

/**
 * Plans `calls` into batches within each Batch API's `limits`.
 *
 * @throws InputError when an API's limits are not whole numbers from 1 up, or one call is larger than a batch may be.
 */
export function planBatches<Call>(calls: readonly Call[], sources: PlanSources<Call>): PlannedBatch<Call>[] {
  const { requestOf, customIdOf, nameOf, batchApiFor, writeLine } = sources;
  const groups = new Map<string, number[]>();
  // Calls come in runs of one model: a call like the one before joins its group without a lookup.
  let last: { provider: string; model: string; embeds: boolean; group: number[] } | undefined;
  for (let index = 0; index < calls.length; index++) {
    const { provider, model, embedding } = requestOf(calls[index]);
    // An embedding goes to another endpoint than an ask: never in one batch with asks.
    const embeds = embedding !== undefined;
    if (last && last.provider === provider && last.model === model && last.embeds === embeds) {
      last.group.push(index);
      continue;
    }
    const key = `${provider}\u0000${model}${embeds ? "\u0000embeddings" : ""}`;
    let group = groups.get(key);
    if (!group) {
      group = [];
      groups.set(key, group);
    }
    group.push(index);
    last = { provider, model, embeds, group };
  }
  const plans: PlannedBatch<Call>[] = [];
  for (const group of groups.values()) {
    const { provider, model } = requestOf(calls[group[0]]);
    const api = batchApiFor(provider);
    checkBatchLimits(provider, api.limits);
    const { maxRequests, maxBytes } = api.limits;
    let current: { calls: Call[]; indices: number[]; bytes: number } = { calls: [], indices: [], bytes: 0 };
    const flush = () => {
      if (current.calls.length > 0) plans.push({ provider, model, ...current });
      current = { calls: [], indices: [], bytes: 0 };
    };
    for (const index of group) {
      const line = api.inputLine({ customId: customIdOf(index), request: requestOf(calls[index]) });
      const size = Buffer.byteLength(line) + 1;
      if (size > maxBytes) throw lineTooLargeError(provider, nameOf(calls[index]), size, maxBytes);
      if (current.calls.length >= maxRequests || current.bytes + size > maxBytes) flush();
      current.calls.push(calls[index]);
      current.indices.push(index);
      current.bytes += size;
      writeLine(plans.length, line, size);
    }
    flush();
  }
  return plans;
}
