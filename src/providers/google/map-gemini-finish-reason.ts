import type { FinishReason } from "../../core/llm.js";

/**
 * Gemini `finishReason` → neutral finish reason (the raw value is kept).
 * Gemini reports `STOP` for a turn that calls functions, so the caller says
 * whether function calls are present.
 *
 * @see https://ai.google.dev/api/generate-content#FinishReason
 */
export function mapGeminiFinishReason(finishReason: string | undefined, hasToolCalls: boolean): FinishReason {
  const raw = finishReason;
  switch (finishReason) {
    case "STOP":
      return { unified: hasToolCalls ? "tool-calls" : "stop", raw };
    case "MAX_TOKENS":
      return { unified: "length", raw };
    case "SAFETY":
    case "RECITATION":
    case "BLOCKLIST":
    case "PROHIBITED_CONTENT":
    case "SPII":
    case "IMAGE_SAFETY":
      return { unified: "content-filter", raw };
    case "MALFORMED_FUNCTION_CALL":
      return { unified: "error", raw };
    default:
      return { unified: "other", raw };
  }
}
