/**
 * A raw Gemini `GenerateContentResponse` (REST JSON, a batch result's
 * `response`, or the SDK's response object, which keeps the same fields) →
 * the neutral result.
 */
import type { LLMResult, ToolCall } from "../../core/llm.js";
import { UnreadableResponse } from "../shared/unreadable-response.js";
import { convertGeminiUsage } from "./convert-gemini-usage.js";
import { generatedCallId } from "./gemini-call-id.js";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason.js";

/**
 * Normalise the first candidate: text is its concatenated text parts
 * (thought parts left out), tool calls come from `functionCall` parts. A
 * prompt blocked before any candidate gives empty text and "content-filter".
 *
 * @throws UnreadableResponse when `body` is not a GenerateContentResponse
 *   object, or has no candidate and no block reason.
 */
export function fromGeminiResponse(body: unknown): LLMResult {
  if (typeof body !== "object" || body === null) {
    throw new UnreadableResponse(`[google] Expected a GenerateContentResponse object, got ${JSON.stringify(body)}.`);
  }
  const fields = body as Record<string, unknown>;
  const candidate = ((fields["candidates"] as unknown[] | undefined)?.[0] ?? undefined) as
    | Record<string, unknown>
    | undefined;
  const content = (candidate?.["content"] ?? {}) as Record<string, unknown>;
  const parts = (Array.isArray(content["parts"]) ? content["parts"] : []) as Record<string, unknown>[];
  let text = "";
  const toolCalls: ToolCall[] = [];
  for (const part of parts) {
    if (typeof part["text"] === "string" && part["thought"] !== true) text += part["text"];
    const call = part["functionCall"] as Record<string, unknown> | undefined;
    if (call) {
      const id = typeof call["id"] === "string" && call["id"] ? call["id"] : generatedCallId(toolCalls.length);
      toolCalls.push({ id, name: String(call["name"]), args: call["args"] ?? {} });
    }
  }
  const blockReason = ((fields["promptFeedback"] ?? {}) as Record<string, unknown>)["blockReason"];
  if (candidate === undefined && typeof blockReason !== "string") {
    throw new UnreadableResponse("[google] The GenerateContentResponse has no candidates and no block reason.");
  }
  const finishReason =
    candidate === undefined && typeof blockReason === "string"
      ? { unified: "content-filter" as const, raw: blockReason }
      : mapGeminiFinishReason(candidate?.["finishReason"] as string | undefined, toolCalls.length > 0);
  return {
    text,
    toolCalls,
    usage: convertGeminiUsage(fields["usageMetadata"]),
    finishReason,
    responseId: typeof fields["responseId"] === "string" ? fields["responseId"] : undefined,
    model: typeof fields["modelVersion"] === "string" ? fields["modelVersion"] : undefined,
  };
}
