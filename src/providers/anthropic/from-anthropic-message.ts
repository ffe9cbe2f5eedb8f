/**
 * An Anthropic `Message` (a Messages response, or the `message` of a
 * succeeded batch result line) → the neutral result.
 */
import type { LLMResult, ToolCall } from "../../core/llm.js";
import { UnreadableResponse } from "../shared/unreadable-response.js";
import { convertAnthropicUsage } from "./convert-anthropic-usage.js";
import { mapAnthropicStopReason } from "./map-anthropic-stop-reason.js";

/**
 * Normalise a raw Anthropic message: text is the concatenated `text` blocks,
 * tool calls come from `tool_use` blocks (`input` is already an object).
 *
 * @throws UnreadableResponse when `message` is not a Message object. An empty
 *   `content` is an answer: Claude sometimes ends its turn without text.
 */
export function fromAnthropicMessage(message: unknown): LLMResult {
  const fields = (typeof message === "object" && message !== null ? message : {}) as Record<string, unknown>;
  const content = fields["content"];
  if (!Array.isArray(content)) {
    throw new UnreadableResponse(
      `[anthropic] Expected a Message with a \`content\` array, got ${JSON.stringify(message)?.slice(0, 200)}.`,
    );
  }
  let text = "";
  const toolCalls: ToolCall[] = [];
  for (const block of content as Record<string, unknown>[]) {
    if (block["type"] === "text" && typeof block["text"] === "string") text += block["text"];
    else if (block["type"] === "tool_use") {
      toolCalls.push({ id: String(block["id"]), name: String(block["name"]), args: block["input"] ?? {} });
    }
  }
  return {
    text,
    toolCalls,
    usage: convertAnthropicUsage(fields["usage"]),
    finishReason: mapAnthropicStopReason(fields["stop_reason"] as string | null | undefined),
    responseId: typeof fields["id"] === "string" ? fields["id"] : undefined,
    model: typeof fields["model"] === "string" ? fields["model"] : undefined,
  };
}
