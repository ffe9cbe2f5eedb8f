/**
 * One embedding call in a Gemini embedding batch (`asyncBatchEmbedContent`):
 * its `EmbedContentRequest`, and its inline response read as the call's result.
 *
 * @see https://ai.google.dev/api/embeddings#method:-models.asyncbatchembedcontent
 */
import { embeddingResult } from "../../core/embedding-result.js";
import { embeddedText } from "../../core/prepare-embed-call.js";
import type { LLMRequest, LLMResult } from "../provider.js";

/** The REST `EmbedContentRequest` of an embedding call: its text, task type and output dimensionality. */
export function toGeminiEmbedContentRequest(request: LLMRequest): Record<string, unknown> {
  const { dimensions, inputType } = request.embedding ?? {};
  return {
    content: { parts: [{ text: embeddedText(request) }] },
    ...(inputType === undefined ? {} : { taskType: inputType }),
    ...(dimensions === undefined ? {} : { outputDimensionality: dimensions }),
  };
}

/**
 * An inline `EmbedContentResponse` (`{embedding: {values}, tokenCount}`) as
 * the call's result, billed `tokenCount` input tokens (an int64, so a string
 * in JSON). Throws when it holds no vector.
 */
export function fromGeminiBatchEmbedding(response: Record<string, unknown>, model: string | undefined): LLMResult {
  const embedding = response["embedding"] as { values?: unknown } | undefined;
  const values = embedding?.values;
  if (!Array.isArray(values) || values.length === 0 || !values.every((value) => typeof value === "number")) {
    throw new Error("the response holds no embedding.values");
  }
  return embeddingResult(Float32Array.from(values), _tokenCount(response["tokenCount"]), model);
}

// --- internal ---

/** `tokenCount` as a number; `undefined` when absent or not a count (never a guessed 0). */
function _tokenCount(value: unknown): number | undefined {
  const count = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  return typeof count === "number" && Number.isSafeInteger(count) && count >= 0 ? count : undefined;
}
