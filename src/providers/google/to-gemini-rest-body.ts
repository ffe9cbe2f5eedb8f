/**
 * A neutral request → the REST `GenerateContentRequest` (the body of
 * `models/{model}:generateContent`, and the `request` of a batch line).
 *
 * @see https://ai.google.dev/api/generate-content#request-body
 */
import type { LLMRequest } from "../../core/llm.js";
import { toGeminiRequest } from "./to-gemini-request.js";

/**
 * Build the REST body for `request`: the SDK config of `toGeminiRequest`,
 * split the way the SDK splits it on the wire (request-level fields at the
 * top, the rest under `generationConfig`), so it equals what
 * `generateContent` sends.
 */
export function toGeminiRestBody(request: LLMRequest): Record<string, unknown> {
  const { contents, config } = toGeminiRequest(request);
  const topLevel: Record<string, unknown> = {};
  const generationConfig: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (sdkOnlyFields.has(key) || value === undefined) continue;
    if (requestFields.has(key)) topLevel[key] = value;
    else generationConfig[key] = value;
  }
  return { contents, ...topLevel, generationConfig };
}

// --- internal ---

/** `GenerateContentConfig` fields the SDK moves to the top of the request (generateContentConfigToMldev). */
const requestFields = new Set([
  "systemInstruction",
  "tools",
  "toolConfig",
  "safetySettings",
  "cachedContent",
  "labels",
  "serviceTier",
  "store",
  "continuationToken",
]);

/** Fields that steer the SDK and never reach the wire. */
const sdkOnlyFields = new Set(["httpOptions", "abortSignal", "automaticFunctionCalling", "automaticContinuation"]);
