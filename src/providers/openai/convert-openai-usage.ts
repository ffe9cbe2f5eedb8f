/**
 * Token counts from OpenAI bodies. A count the body does not carry stays
 * `undefined` (never a made-up 0): batch result lines and OpenAI-compatible
 * servers often omit the `*_details` objects.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
import type { Usage } from "../../core/llm.js";
import { isRecord } from "./json-record.js";

/** Responses API `usage` (`input_tokens`, `output_tokens`, ...). Batch usage uses the same names. */
export function convertOpenAIResponsesUsage(usage: unknown): Usage {
  const record = _record(usage);
  return {
    inputTokens: _count(record["input_tokens"]),
    outputTokens: _count(record["output_tokens"]),
    cachedInputTokens: _count(_record(record["input_tokens_details"])["cached_tokens"]),
    reasoningTokens: _count(_record(record["output_tokens_details"])["reasoning_tokens"]),
    totalTokens: _count(record["total_tokens"]),
  };
}

/** Chat Completions `usage` (`prompt_tokens`, `completion_tokens`, ...). */
export function convertOpenAIChatUsage(usage: unknown): Usage {
  const record = _record(usage);
  return {
    inputTokens: _count(record["prompt_tokens"]),
    outputTokens: _count(record["completion_tokens"]),
    cachedInputTokens: _count(_record(record["prompt_tokens_details"])["cached_tokens"]),
    reasoningTokens: _count(_record(record["completion_tokens_details"])["reasoning_tokens"]),
    totalTokens: _count(record["total_tokens"]),
  };
}

// --- internal ---

function _record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function _count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}
