/**
 * Group collected calls by provider, model and endpoint, and split each group
 * so no batch exceeds the provider's request-count or byte limit.
 */
import { InputError } from "../core/errors.js";
import type { BatchApi, BatchItem } from "../providers/provider.js";

export interface PlannableCall {
  readonly item: BatchItem;
}

export interface PlannedBatch<Call extends PlannableCall> {
  readonly provider: string;
  readonly model: string;
  readonly calls: readonly Call[];
  /** Bytes of the JSONL input (lines and newlines). */
  readonly bytes: number;
}

/**
 * Each call's input line goes to `writeLine(batch, line, bytes)` as soon as it
 * is made (`batch`: the index of its plan; `bytes`: its size with the newline),
 * so the lines of a 200 MB batch never all sit in memory.
 */
export function planBatches<Call extends PlannableCall>(
  calls: readonly Call[],
  batchApiFor: (provider: string) => BatchApi,
  writeLine: (batch: number, line: string, bytes: number) => void,
): PlannedBatch<Call>[] {
  const groups = new Map<string, Call[]>();
  for (const call of calls) {
    const { provider, model, api } = call.item.request;
    const key = `${provider}\u0000${model}\u0000${api ?? ""}`;
    const group = groups.get(key);
    if (group) group.push(call);
    else groups.set(key, [call]);
  }
  const plans: PlannedBatch<Call>[] = [];
  for (const group of groups.values()) {
    const { provider, model } = group[0].item.request;
    const api = batchApiFor(provider);
    const { maxRequests, maxBytes } = api.limits;
    let current: { calls: Call[]; bytes: number } = { calls: [], bytes: 0 };
    const flush = () => {
      if (current.calls.length > 0) plans.push({ provider, model, ...current });
      current = { calls: [], bytes: 0 };
    };
    for (const call of group) {
      const line = api.inputLine(call.item);
      const size = Buffer.byteLength(line) + 1;
      if (size > maxBytes) {
        throw new InputError(
          `One ${provider} batch request is ${size} bytes, more than the batch limit of ${maxBytes}; shorten its documents or send it directly (strategy "async").`,
        );
      }
      if (current.calls.length >= maxRequests || current.bytes + size > maxBytes) flush();
      current.calls.push(call);
      current.bytes += size;
      writeLine(plans.length, line, size);
    }
    flush();
  }
  return plans;
}
