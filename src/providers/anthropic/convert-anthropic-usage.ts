import type { Usage } from "../../core/llm.js";

/**
 * Anthropic `usage` → neutral usage. Counts the provider did not report stay
 * `undefined`.
 *
 * Anthropic's `input_tokens` leaves out cache reads and cache writes, so
 * `inputTokens` adds them back: it is the whole prompt, and
 * `cachedInputTokens` (the cache reads) is a part of it, as with the other
 * providers.
 *
 * @see https://docs.claude.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance
 */
export function convertAnthropicUsage(usage: unknown): Usage {
  const fields = (usage ?? {}) as Record<string, unknown>;
  const input = _count(fields["input_tokens"]);
  const cacheRead = _count(fields["cache_read_input_tokens"]);
  const cacheWrite = _count(fields["cache_creation_input_tokens"]);
  const output = _count(fields["output_tokens"]);
  const details = (fields["output_tokens_details"] ?? {}) as Record<string, unknown>;
  const inputTokens = input === undefined ? undefined : input + (cacheRead ?? 0) + (cacheWrite ?? 0);
  return {
    inputTokens,
    outputTokens: output,
    cachedInputTokens: cacheRead,
    reasoningTokens: _count(details["thinking_tokens"]),
    totalTokens: inputTokens !== undefined && output !== undefined ? inputTokens + output : undefined,
  };
}

// --- internal ---

function _count(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}
