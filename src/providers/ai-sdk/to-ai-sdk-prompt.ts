/**
 * Neutral messages → the AI SDK's `LanguageModelV3Prompt`. Tool results, which
 * travel in our user turns, become `tool` messages of their own, in order.
 *
 * @see https://ai-sdk.dev/docs/reference/ai-sdk-core/model-message
 */
import type {
  LanguageModelV3FilePart,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  LanguageModelV3TextPart,
  LanguageModelV3ToolCallPart,
  LanguageModelV3ToolResultOutput,
  LanguageModelV3ToolResultPart,
} from "@ai-sdk/provider";
import { InputError } from "../../core/errors.js";
import type { ContentPart, LLMRequest } from "../../core/llm.js";

/** The prompt of one request: its instructions as the system message, then its messages. */
export function toAiSdkPrompt(request: LLMRequest): LanguageModelV3Prompt {
  const prompt: LanguageModelV3Message[] = [];
  if (request.instructions) prompt.push({ role: "system", content: request.instructions });
  for (const message of request.messages) {
    if (message.role === "assistant") {
      prompt.push({ role: "assistant", content: message.content.map(_assistantPart) });
      continue;
    }
    // A user turn mixes what the AI SDK splits: tool results go in tool messages, the rest in user messages.
    for (const part of message.content) {
      const last = prompt[prompt.length - 1];
      if (part.type === "tool-result") {
        const result = _toolResult(part);
        if (last?.role === "tool") last.content.push(result);
        else prompt.push({ role: "tool", content: [result] });
      } else {
        const content = _userPart(part);
        if (last?.role === "user") last.content.push(content);
        else prompt.push({ role: "user", content: [content] });
      }
    }
  }
  return prompt;
}

// --- internal ---

function _userPart(part: ContentPart): LanguageModelV3TextPart | LanguageModelV3FilePart {
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text };
    case "image":
    case "file": {
      const data = part.data ?? new URL(part.url as string);
      const filename = part.type === "file" ? part.filename : undefined;
      return filename === undefined
        ? { type: "file", mediaType: part.mediaType, data }
        : { type: "file", mediaType: part.mediaType, data, filename };
    }
    default:
      // `checkAiSdkRequest` refuses a tool call in a user turn at the ask.
      throw new InputError(`A ${part.type} part cannot be sent in a user turn to an AI SDK model.`);
  }
}

function _assistantPart(
  part: ContentPart,
): LanguageModelV3TextPart | LanguageModelV3FilePart | LanguageModelV3ToolCallPart | LanguageModelV3ToolResultPart {
  if (part.type === "tool-call")
    return { type: "tool-call", toolCallId: part.id, toolName: part.name, input: part.args };
  if (part.type === "tool-result") return _toolResult(part);
  return _userPart(part);
}

function _toolResult(part: ContentPart & { type: "tool-result" }): LanguageModelV3ToolResultPart {
  const output: LanguageModelV3ToolResultOutput =
    typeof part.output === "string"
      ? { type: part.isError ? "error-text" : "text", value: part.output }
      : { type: part.isError ? "error-json" : "json", value: (part.output ?? null) as never };
  return { type: "tool-result", toolCallId: part.toolCallId, toolName: part.name, output };
}
