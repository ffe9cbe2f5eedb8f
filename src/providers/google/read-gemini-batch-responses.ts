/**
 * The inline output of a finished Gemini batch → per-request results.
 * Each entry is `{response, metadata:{key}}` or `{error, metadata:{key}}`,
 * in input order (providers.md §3.1); a generate batch's response is a
 * `GenerateContentResponse`, an embedding batch's `{embedding, tokenCount}`.
 */
import type { BatchResultLine, LLMResult } from "../provider.js";
import { convertGeminiBatchError } from "./convert-gemini-batch-error.js";
import { fromGeminiResponse } from "./from-gemini-response.js";

/** Reads one entry's `response` as the call's result; throws when it holds no readable answer. */
export type GeminiAnswerReader = (response: Record<string, unknown>, model: string | undefined) => LLMResult;

/**
 * Read `responses` (the SDK's `dest.inlinedResponses` or
 * `dest.inlinedEmbedContentResponses`, or the raw JSON), each response
 * through `readAnswer`. Each result is matched to its call by `metadata.key`,
 * never by position: an entry without a key, or with neither a response nor
 * an error, or with an answer `readAnswer` cannot read, is skipped with a
 * warning (the core collects that call again). `first` is the index of
 * `responses[0]` in the whole output, for warnings.
 */
export function readGeminiBatchResponses(
  responses: readonly unknown[],
  batch: { readonly id: string; readonly model: string | undefined },
  first = 0,
  readAnswer: GeminiAnswerReader = fromGeminiResponse,
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
    const at = `${where} (key ${JSON.stringify(customId)})`;
    return { raw, outcome: _outcome(customId, fields, batch.model, at, readAnswer) };
  });
}

// --- internal ---

function _outcome(
  customId: string,
  fields: Record<string, unknown> | undefined,
  model: string | undefined,
  where: string,
  readAnswer: GeminiAnswerReader,
): BatchResultLine["outcome"] {
  const error = _record(fields?.["error"]);
  const response = _record(fields?.["response"]);
  if (error) return { customId, status: "failed", error: convertGeminiBatchError(error, model) };
  if (!response) return { warning: `${where} has neither a response nor an error; skipped.` };
  try {
    return { customId, status: "succeeded", result: readAnswer(response, model) };
  } catch (problem) {
    return { warning: `${where} has no readable answer (${(problem as Error).message}); skipped.` };
  }
}

function _record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
