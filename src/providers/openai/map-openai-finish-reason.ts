/**
 * Why an OpenAI answer ended, normalised, with the provider's own value kept
 * in `raw`.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-choices
 * @see https://platform.openai.com/docs/api-reference/responses/object#responses/object-status
 */
import type { FinishReason } from "../../core/llm.js";

/**
 * Chat Completions `finish_reason`. A message with tool calls counts as
 * `"tool-calls"` even when the reason says `stop`: OpenAI reports `stop` when
 * `tool_choice` forces a function, and some compatible servers always do.
 * A refusal counts as `"content-filter"`.
 */
export function mapOpenAIChatFinishReason(
  raw: string | undefined,
  answer: { hasToolCalls: boolean; hasRefusal: boolean },
): FinishReason {
  if (answer.hasRefusal) return { unified: "content-filter", raw };
  switch (raw) {
    case "stop":
      return { unified: answer.hasToolCalls ? "tool-calls" : "stop", raw };
    case "length":
      return { unified: "length", raw };
    case "tool_calls":
    case "function_call":
      return { unified: "tool-calls", raw };
    case "content_filter":
      return { unified: "content-filter", raw };
    default:
      return { unified: answer.hasToolCalls ? "tool-calls" : "other", raw };
  }
}

/**
 * Responses API `status` plus `incomplete_details.reason`. `raw` is the
 * incomplete reason when there is one (`max_output_tokens`), else the status.
 */
export function mapOpenAIResponsesFinishReason(
  status: string | undefined,
  incompleteReason: string | undefined,
  answer: { hasToolCalls: boolean; hasRefusal: boolean },
): FinishReason {
  if (answer.hasRefusal) return { unified: "content-filter", raw: incompleteReason ?? status };
  switch (status) {
    case "completed":
      return { unified: answer.hasToolCalls ? "tool-calls" : "stop", raw: status };
    case "incomplete":
      if (incompleteReason === "max_output_tokens") return { unified: "length", raw: incompleteReason };
      if (incompleteReason === "content_filter") return { unified: "content-filter", raw: incompleteReason };
      return { unified: "other", raw: incompleteReason ?? status };
    case "failed":
      return { unified: "error", raw: status };
    default:
      return { unified: "other", raw: status };
  }
}
