/**
 * A stored result → the AI SDK's `LanguageModelV3GenerateResult`, for a call
 * the cache middleware replays: the text, the tool calls (input as JSON text),
 * usage, the finish reason, and the response's id and model.
 */
import type { LanguageModelV3Content, LanguageModelV3GenerateResult } from "@ai-sdk/provider";
import type { LLMResult } from "../../core/llm.js";

/** The generate result a stored answer stands for. */
export function toAiSdkResult(result: LLMResult): LanguageModelV3GenerateResult {
  const content: LanguageModelV3Content[] = [];
  if (result.text !== "") content.push({ type: "text", text: result.text });
  for (const call of result.toolCalls) {
    const input = typeof call.args === "string" ? call.args : JSON.stringify(call.args);
    content.push({ type: "tool-call", toolCallId: call.id, toolName: call.name, input });
  }
  const { inputTokens, outputTokens, cachedInputTokens, reasoningTokens } = result.usage;
  return {
    content,
    finishReason: { unified: result.finishReason.unified, raw: result.finishReason.raw },
    usage: {
      inputTokens: {
        total: inputTokens,
        noCache: _difference(inputTokens, cachedInputTokens),
        cacheRead: cachedInputTokens,
        cacheWrite: undefined,
      },
      outputTokens: {
        total: outputTokens,
        text: _difference(outputTokens, reasoningTokens),
        reasoning: reasoningTokens,
      },
    },
    response: {
      ...(result.responseId === undefined ? {} : { id: result.responseId }),
      ...(result.model === undefined ? {} : { modelId: result.model }),
    },
    warnings: [],
  };
}

// --- internal ---

function _difference(total: number | undefined, part: number | undefined): number | undefined {
  return total === undefined ? undefined : total - (part ?? 0);
}
