/**
 * Group collected calls by provider, model and endpoint, and split each group
 * so no batch exceeds the provider's request-count or byte limit.
 */
import { InputError } from "../core/errors.js";
import type { LLMRequest } from "../core/llm.js";
import type { BatchApi } from "../providers/provider.js";

export interface PlannedBatch<Call> {
  readonly provider: string;
  readonly model: string;
  readonly calls: readonly Call[];
  /** Each call's index in the planned list (what its custom id is made from). */
  readonly indices: readonly number[];
  /** Bytes of the JSONL input (lines and newlines). */
  readonly bytes: number;
}

/**
 * `requestOf(call)` gives each call's request and `customIdOf(index)` its custom
 * id (`index`: its place in `calls`). Each input line goes to
 * `writeLine(batch, line, bytes)` as soon as it is made (`batch`: the index of
 * its plan; `bytes`: its size with the newline), so the lines of a 200 MB batch
 * never all sit in memory.
 */
export function planBatches<Call>(
  calls: readonly Call[],
  requestOf: (call: Call) => LLMRequest,
  customIdOf: (index: number) => string,
  batchApiFor: (provider: string) => BatchApi,
  writeLine: (batch: number, line: string, bytes: number) => void,
): PlannedBatch<Call>[] {
  const groups = new Map<string, number[]>();
  // Calls come in runs of one model: a call like the one before joins its group without a lookup.
  let last: { provider: string; model: string; group: number[] } | undefined;
  for (let index = 0; index < calls.length; index++) {
    const { provider, model } = requestOf(calls[index]);
    if (last && last.provider === provider && last.model === model) {
      last.group.push(index);
      continue;
    }
    const key = `${provider}\u0000${model}`;
    let group = groups.get(key);
    if (!group) {
      group = [];
      groups.set(key, group);
    }
    group.push(index);
    last = { provider, model, group };
  }
  const plans: PlannedBatch<Call>[] = [];
  for (const group of groups.values()) {
    const { provider, model } = requestOf(calls[group[0]]);
    const api = batchApiFor(provider);
    const { maxRequests, maxBytes } = api.limits;
    let current: { calls: Call[]; indices: number[]; bytes: number } = { calls: [], indices: [], bytes: 0 };
    const flush = () => {
      if (current.calls.length > 0) plans.push({ provider, model, ...current });
      current = { calls: [], indices: [], bytes: 0 };
    };
    for (const index of group) {
      const line = api.inputLine({ customId: customIdOf(index), request: requestOf(calls[index]) });
      const size = Buffer.byteLength(line) + 1;
      if (size > maxBytes) {
        throw new InputError(
          `One ${provider} batch request is ${size} bytes, more than the batch limit of ${maxBytes}; shorten its documents or send it directly (strategy "async").`,
        );
      }
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
