/**
 * What an adapter's `generate` resolves to: the normalised result, and the
 * response body as JSON text in `raw` only when the run keeps it, so a run
 * without `keepRaw` serialises no body per call.
 */
import type { LLMResult } from "../../core/llm.js";
import type { GeneratedResult } from "../provider.js";

/**
 * `result`, with `body` (less its top-level member `added`, the SDK's own
 * addition) as JSON text in `raw` when `keepRaw`.
 */
export function withRaw(
  result: LLMResult,
  body: object,
  keepRaw: boolean | undefined,
  added?: string,
): GeneratedResult {
  if (!keepRaw) return result;
  let received = body;
  if (added !== undefined) {
    const { [added]: _added, ...rest } = body as Record<string, unknown>;
    received = rest;
  }
  return { ...result, raw: JSON.stringify(received) };
}
