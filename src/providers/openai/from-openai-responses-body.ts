/**
 * Parse a Responses API body (`object: "response"`) into the neutral result.
 * Works on the raw JSON — a live response or the `response.body` of a batch
 * result line — and never relies on SDK conveniences such as `output_text`,
 * which is not part of the wire format.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/object
 */
import type { LLMResult, ToolCall } from "../../core/llm.js";
import { UnreadableResponse } from "../shared/unreadable-response.js";
import { convertOpenAIResponsesUsage } from "./convert-openai-usage.js";
import { describeJson, isRecord, stringOrUndefined } from "./json-record.js";
import { mapOpenAIResponsesFinishReason } from "./map-openai-finish-reason.js";
import { parseOpenAIToolArguments } from "./parse-openai-tool-arguments.js";

/**
 * Text is every `output_text` part of every `message` item, concatenated; a
 * refusal's text takes their place and the finish reason becomes
 * `"content-filter"`. `function_call` items become tool calls with `id` =
 * `call_id` (the id a tool result must answer).
 *
 * @throws UnreadableResponse when `body` is not an object, or is
 *   `completed` without any output item.
 */
export function fromOpenAIResponsesBody(body: unknown): LLMResult {
  if (!isRecord(body)) {
    throw new UnreadableResponse(`[openai] Expected a Responses API body (an object), got ${describeJson(body)}.`);
  }
  const output = Array.isArray(body["output"]) ? body["output"] : [];
  // An incomplete or failed response may end before any output; a completed one without any has lost its answer.
  if (output.length === 0 && (body["status"] === "completed" || body["status"] === undefined)) {
    throw new UnreadableResponse(`[openai] The Responses API body (status ${String(body["status"])}) has no output.`);
  }
  const texts: string[] = [];
  const refusals: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const item of output) {
    if (!isRecord(item)) continue;
    if (item["type"] === "message" && Array.isArray(item["content"])) {
      for (const part of item["content"]) {
        if (!isRecord(part)) continue;
        if (part["type"] === "output_text" && typeof part["text"] === "string") texts.push(part["text"]);
        if (part["type"] === "refusal" && typeof part["refusal"] === "string") refusals.push(part["refusal"]);
      }
    } else if (item["type"] === "function_call") {
      toolCalls.push({
        id: String(item["call_id"] ?? item["id"] ?? ""),
        name: String(item["name"] ?? ""),
        args: parseOpenAIToolArguments(item["arguments"]),
      });
    }
  }
  const incomplete = isRecord(body["incomplete_details"]) ? body["incomplete_details"] : {};
  return {
    text: refusals.length > 0 ? refusals.join("") : texts.join(""),
    toolCalls,
    usage: convertOpenAIResponsesUsage(body["usage"]),
    finishReason: mapOpenAIResponsesFinishReason(
      stringOrUndefined(body["status"]),
      stringOrUndefined(incomplete["reason"]),
      {
        hasToolCalls: toolCalls.length > 0,
        hasRefusal: refusals.length > 0,
      },
    ),
    responseId: stringOrUndefined(body["id"]),
    model: stringOrUndefined(body["model"]),
  };
}
