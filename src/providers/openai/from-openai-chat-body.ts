/**
 * Parse a Chat Completions body (`object: "chat.completion"`) into the neutral
 * result. Works on the raw JSON: a live response, the `response.body` of an
 * OpenAI batch result line, or an OpenAI-compatible server's answer. Only the
 * first choice is read (requests never ask for `n > 1`).
 *
 * @see https://platform.openai.com/docs/api-reference/chat/object
 */
import type { LLMResult, ToolCall } from "../../core/llm.js";
import { UnreadableResponse } from "../shared/unreadable-response.js";
import { convertOpenAIChatUsage } from "./convert-openai-usage.js";
import { describeJson, isRecord, stringOrUndefined } from "./json-record.js";
import { mapOpenAIChatFinishReason } from "./map-openai-finish-reason.js";
import { parseOpenAIToolArguments } from "./parse-openai-tool-arguments.js";

/**
 * Text is `message.content` (a string, or text parts from some compatible
 * servers); when the model refused, `message.refusal` takes its place and the
 * finish reason becomes `"content-filter"`.
 *
 * @throws UnreadableResponse when `body` is not an object or has no choices.
 */
export function fromOpenAIChatBody(body: unknown): LLMResult {
  if (!isRecord(body)) {
    throw new UnreadableResponse(`[openai] Expected a Chat Completions body (an object), got ${describeJson(body)}.`);
  }
  const choice = Array.isArray(body["choices"]) ? body["choices"][0] : undefined;
  if (!isRecord(choice)) throw new UnreadableResponse("[openai] The Chat Completions body has no choices.");
  const message = isRecord(choice["message"]) ? choice["message"] : {};
  const refusal = typeof message["refusal"] === "string" && message["refusal"] !== "" ? message["refusal"] : undefined;
  const toolCalls: ToolCall[] = [];
  for (const call of Array.isArray(message["tool_calls"]) ? message["tool_calls"] : []) {
    if (!isRecord(call)) continue;
    const fn = isRecord(call["function"]) ? call["function"] : {};
    toolCalls.push({
      id: String(call["id"] ?? ""),
      name: String(fn["name"] ?? ""),
      args: parseOpenAIToolArguments(fn["arguments"]),
    });
  }
  return {
    text: refusal ?? _contentText(message["content"]),
    toolCalls,
    usage: convertOpenAIChatUsage(body["usage"]),
    finishReason: mapOpenAIChatFinishReason(stringOrUndefined(choice["finish_reason"]), {
      hasToolCalls: toolCalls.length > 0,
      hasRefusal: refusal !== undefined,
    }),
    responseId: stringOrUndefined(body["id"]),
    model: stringOrUndefined(body["model"]),
  };
}

// --- internal ---

function _contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part) => (isRecord(part) && part["type"] === "text" && typeof part["text"] === "string" ? part["text"] : ""))
    .join("");
}
