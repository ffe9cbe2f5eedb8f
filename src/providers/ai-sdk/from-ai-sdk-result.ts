/**
 * The AI SDK's `LanguageModelV3GenerateResult` → our normalised result: the
 * text parts joined, the tool calls with their JSON input parsed, usage and
 * the finish reason as the model reported them (a count it left out stays
 * `undefined`).
 */
import type { LanguageModelV3GenerateResult, LanguageModelV3Usage } from "@ai-sdk/provider";
import type { LLMResult, ToolCall, Usage } from "../../core/llm.js";
import { parseOpenAIToolArguments } from "../openai/parse-openai-tool-arguments.js";

/** The normalised result of one `doGenerate`. */
export function fromAiSdkResult(result: LanguageModelV3GenerateResult): LLMResult {
  let text = "";
  const toolCalls: ToolCall[] = [];
  for (const part of result.content) {
    if (part.type === "text") text += part.text;
    else if (part.type === "tool-call") {
      toolCalls.push({ id: part.toolCallId, name: part.toolName, args: parseOpenAIToolArguments(part.input) });
    }
  }
  return {
    text,
    toolCalls,
    usage: fromAiSdkUsage(result.usage),
    finishReason: { unified: result.finishReason.unified, raw: result.finishReason.raw },
    responseId: result.response?.id,
    model: result.response?.modelId,
  };
}

/** The AI SDK's nested token counts → ours; the total only when both halves are known. */
export function fromAiSdkUsage(usage: LanguageModelV3Usage): Usage {
  const input = usage.inputTokens.total;
  const output = usage.outputTokens.total;
  return {
    inputTokens: input,
    outputTokens: output,
    cachedInputTokens: usage.inputTokens.cacheRead,
    reasoningTokens: usage.outputTokens.reasoning,
    totalTokens: input === undefined || output === undefined ? undefined : input + output,
  };
}
