/**
 * An answer as the viewer's API sends it: an embedding's vector as its length
 * and first values, not whole (a `Float32Array` would go out as an object of
 * thousands of keys, which the page has no use for).
 */
import type { LLMResult } from "../core/llm.js";

/** How much of a vector the page shows. */
export interface ShownVector {
  readonly dimensions: number;
  readonly start: readonly number[];
}

/** A result as the page gets it. */
export type ShownResult = Omit<LLMResult, "embedding"> & { readonly vector?: ShownVector | undefined };

/** `result` for the page. */
export function shownResult(result: LLMResult): ShownResult {
  const { embedding, ...rest } = result;
  if (!embedding) return rest;
  return { ...rest, vector: { dimensions: embedding.length, start: Array.from(embedding.subarray(0, 8)) } };
}
