/**
 * The inline output of a finished Gemini batch → per-request results.
 * Each entry is `{response, metadata:{key}}` or `{error, metadata:{key}}`,
 * in input order (providers.md §3.1).
 */
import type { BatchItemResult, BatchResults } from "../provider.js";
import { convertGeminiBatchError } from "./convert-gemini-batch-error.js";
import { fromGeminiResponse } from "./from-gemini-response.js";

/**
 * Read `responses` (the SDK's `dest.inlinedResponses`, or the raw JSON). Each
 * result is matched to its call by `metadata.key`, never by position: an
 * entry without a key, a repeated key, or an entry with neither a response
 * nor an error is skipped with a warning (the core collects that call again).
 */
export function fromGeminiBatchResponses(
  responses: readonly unknown[],
  batch: { readonly id: string; readonly model: string | undefined },
): BatchResults {
  const items: BatchItemResult[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const [index, entry] of responses.entries()) {
    const where = `[google] Response ${index} of batch ${batch.id}`;
    const fields = _record(entry);
    const customId = _record(fields?.["metadata"])?.["key"];
    if (typeof customId !== "string" || customId === "") {
      warnings.push(`${where} has no metadata.key, so it cannot be matched to its call; skipped.`);
      continue;
    }
    if (seen.has(customId)) {
      warnings.push(`${where} repeats the key ${JSON.stringify(customId)}; skipped.`);
      continue;
    }
    seen.add(customId);
    const error = _record(fields?.["error"]);
    const response = fields?.["response"];
    if (error) {
      items.push({ customId, status: "failed", error: convertGeminiBatchError(error, batch.model) });
    } else if (_record(response)) {
      items.push({ customId, status: "succeeded", result: fromGeminiResponse(response) });
    } else {
      warnings.push(`${where} (key ${JSON.stringify(customId)}) has neither a response nor an error; skipped.`);
    }
  }
  return { items, rawLines: responses.map((entry) => JSON.stringify(entry) ?? "null"), warnings };
}

// --- internal ---

function _record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
