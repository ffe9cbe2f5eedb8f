/** An embedding's answer as the result every call has: no text, its vector, its input tokens. */
import { emptyUsage, type LLMResult } from "./llm.js";

/** The result of one embedding call: `vector`, with `inputTokens` where known, from `model` as the provider named it. */
export function embeddingResult(
  vector: Float32Array,
  inputTokens: number | undefined,
  model: string | undefined,
): LLMResult {
  return {
    text: "",
    toolCalls: [],
    usage: { ...emptyUsage, inputTokens, totalTokens: inputTokens },
    finishReason: { unified: "stop", raw: undefined },
    responseId: undefined,
    model,
    embedding: vector,
  };
}
