/**
 * The inline output of a finished Gemini batch → per-request results.
 * Each entry is `{response, metadata:{key}}` or `{error, metadata:{key}}`,
 * in input order (providers.md §3.1).
 */
import type { BatchResultLine } from "../provider.js";
import { convertGeminiBatchError } from "./convert-gemini-batch-error.js";
import { fromGeminiResponse } from "./from-gemini-response.js";

/**
 * Read `responses` (the SDK's `dest.inlinedResponses`, or the raw JSON). Each
 * result is matched to its call by `metadata.key`, never by position: an
 * entry without a key, or with neither a response nor an error, is skipped
 * with a warning (the core collects that call again). `first` is the index of
 * `responses[0]` in the whole output, for warnings.
 */
export function readGeminiBatchResponses(
  responses: readonly unknown[],
  batch: { readonly id: string; readonly model: string | undefined },
  first = 0,
): BatchResultLine[] {
  return responses.map((entry, index) => {
    const where = `[google] Response ${first + index} of batch ${batch.id}`;
    const fields = _record(entry);
    const customId = _record(fields?.["metadata"])?.["key"];
    const raw = JSON.stringify(entry) ?? "null";
    if (typeof customId !== "string" || customId === "") {
      return {
        raw,
        outcome: { warning: `${where} has no metadata.key, so it cannot be matched to its call; skipped.` },
      };
    }
    return { raw, outcome: _outcome(customId, fields, batch.model, `${where} (key ${JSON.stringify(customId)})`) };
  });
}

// --- internal ---

function _outcome(
  customId: string,
  fields: Record<string, unknown> | undefined,
  model: string | undefined,
  where: string,
): BatchResultLine["outcome"] {
  const error = _record(fields?.["error"]);
  const response = fields?.["response"];
  if (error) return { customId, status: "failed", error: convertGeminiBatchError(error, model) };
  if (!_record(response)) return { warning: `${where} has neither a response nor an error; skipped.` };
  try {
    return { customId, status: "succeeded", result: fromGeminiResponse(response) };
  } catch (problem) {
    return { warning: `${where} has no readable answer (${(problem as Error).message}); skipped.` };
  }
}

function _record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
