import type { Usage } from "../../core/llm.js";

/**
 * Gemini `usageMetadata` → neutral usage. Counts Gemini did not report stay
 * `undefined`.
 *
 * Output counts the thinking tokens too (`candidatesTokenCount` leaves them
 * out, but they are billed as output), so `reasoningTokens` is a part of
 * `outputTokens` as with the other providers, and input + output equals
 * Gemini's `totalTokenCount`. Gemini drops zero counts from its JSON, so when
 * only one of the two is reported the other counts as 0. Likewise the prompt
 * includes `toolUsePromptTokenCount` when reported.
 *
 * @see https://ai.google.dev/api/generate-content#UsageMetadata
 */
export function convertGeminiUsage(usageMetadata: unknown): Usage {
  const fields = (usageMetadata ?? {}) as Record<string, unknown>;
  const prompt = _count(fields["promptTokenCount"]);
  const toolUsePrompt = _count(fields["toolUsePromptTokenCount"]);
  const candidates = _count(fields["candidatesTokenCount"]);
  const thoughts = _count(fields["thoughtsTokenCount"]);
  return {
    inputTokens: _sum(prompt, toolUsePrompt),
    outputTokens: _sum(candidates, thoughts),
    cachedInputTokens: _count(fields["cachedContentTokenCount"]),
    reasoningTokens: thoughts,
    totalTokens: _count(fields["totalTokenCount"]),
  };
}

// --- internal ---

function _count(value: unknown): number | undefined {
  return typeof value === "number" ? value : undefined;
}

function _sum(main: number | undefined, extra: number | undefined): number | undefined {
  return main === undefined && extra === undefined ? undefined : (main ?? 0) + (extra ?? 0);
}
