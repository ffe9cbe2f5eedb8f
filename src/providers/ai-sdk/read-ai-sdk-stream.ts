/**
 * Reads an AI SDK model's `doStream` parts: text deltas are handed on as they
 * arrive, and the parts are put together into the result `doGenerate` would
 * give (text, tool calls, the finish part's usage and reason, the response's
 * id and model), read as that is.
 * @see https://ai-sdk.dev/providers/community-providers/custom-providers
 */
import type {
  LanguageModelV3Content,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
} from "@ai-sdk/provider";

/**
 * The result the parts make up; `undefined` when the stream ended before its
 * finish part, or with a finish part the model made up without the provider's
 * last event: no finish reason of the provider's and no usage (the AI SDK's
 * providers end every stream with a finish part, even one cut off early).
 */
export async function readAiSdkStream(
  parts: ReadableStream<LanguageModelV3StreamPart>,
  onTextDelta: (delta: string) => void,
): Promise<LanguageModelV3GenerateResult | undefined> {
  const content: LanguageModelV3Content[] = [];
  let text = "";
  let response: LanguageModelV3GenerateResult["response"];
  const reader = parts.getReader();
  for (;;) {
    const { done, value: part } = await reader.read();
    if (done) return undefined;
    switch (part.type) {
      case "text-delta":
        text += part.delta;
        onTextDelta(part.delta);
        break;
      case "tool-call":
        content.push(part);
        break;
      case "response-metadata":
        response = { id: part.id, modelId: part.modelId, timestamp: part.timestamp };
        break;
      case "error":
        throw part.error;
      case "finish":
        reader.releaseLock();
        if (_madeUp(part)) return undefined;
        return {
          content: [{ type: "text", text }, ...content],
          finishReason: part.finishReason,
          usage: part.usage,
          response,
          warnings: [],
        };
    }
  }
}

// --- internal ---

/** A finish part with nothing from the provider in it: what the AI SDK's providers send when the stream ended early. */
function _madeUp(part: Extract<LanguageModelV3StreamPart, { type: "finish" }>): boolean {
  return (
    part.finishReason.unified === "other" &&
    part.finishReason.raw === undefined &&
    part.usage.inputTokens.total === undefined &&
    part.usage.outputTokens.total === undefined
  );
}
