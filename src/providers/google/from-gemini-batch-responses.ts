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
 * entry without a key, or with neither a response nor an error, is skipped
 * with a warning (the core collects that call again). A key repeated with the
 * same entry is kept once; repeated with a different one, all its entries are
 * left out, because picking one would be a guess.
 */
export function fromGeminiBatchResponses(
  responses: readonly unknown[],
  batch: { readonly id: string; readonly model: string | undefined },
): BatchResults {
  const kept = new Map<string, { readonly item: BatchItemResult | undefined; readonly raw: string }>();
  const conflicting = new Set<string>();
  const warnings: string[] = [];
  const rawLines = responses.map((entry) => JSON.stringify(entry) ?? "null");
  for (const [index, entry] of responses.entries()) {
    const where = `[google] Response ${index} of batch ${batch.id}`;
    const fields = _record(entry);
    const customId = _record(fields?.["metadata"])?.["key"];
    if (typeof customId !== "string" || customId === "") {
      warnings.push(`${where} has no metadata.key, so it cannot be matched to its call; skipped.`);
      continue;
    }
    const key = JSON.stringify(customId);
    const earlier = kept.get(customId);
    if (conflicting.has(customId)) {
      warnings.push(`${where} repeats the key ${key} again; all its results are left out.`);
      continue;
    }
    if (earlier !== undefined) {
      if (earlier.raw === rawLines[index]) {
        warnings.push(`${where} repeats the result of key ${key}; kept once.`);
      } else {
        kept.delete(customId);
        conflicting.add(customId);
        warnings.push(`${where} repeats the key ${key} with a different result; all its results are left out.`);
      }
      continue;
    }
    kept.set(customId, {
      item: _item(customId, fields, batch.model, `${where} (key ${key})`, warnings),
      raw: rawLines[index],
    });
  }
  const items = [...kept.values()].flatMap(({ item }) => (item ? [item] : []));
  return { items, rawLines, warnings };
}

// --- internal ---

function _item(
  customId: string,
  fields: Record<string, unknown> | undefined,
  model: string | undefined,
  where: string,
  warnings: string[],
): BatchItemResult | undefined {
  const error = _record(fields?.["error"]);
  const response = fields?.["response"];
  if (error) return { customId, status: "failed", error: convertGeminiBatchError(error, model) };
  if (!_record(response)) {
    warnings.push(`${where} has neither a response nor an error; skipped.`);
    return undefined;
  }
  try {
    return { customId, status: "succeeded", result: fromGeminiResponse(response) };
  } catch (problem) {
    warnings.push(`${where} has no readable answer (${(problem as Error).message}); skipped.`);
    return undefined;
  }
}

function _record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
