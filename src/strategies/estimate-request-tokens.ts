/**
 * A cheap token estimate of a request before it is sent, for tokens-per-minute
 * limits: about four characters per token of English text. The reported usage
 * replaces it once the answer arrives.
 */
import type { ContentPart, LLMRequest } from "../core/llm.js";

/**
 * Estimated tokens of a request: characters / 4 of its instructions, text,
 * tool calls and results, tool definitions and output schema, plus the
 * requested `maxTokens` (the answer's tokens count against the limit too, and
 * OpenAI's limiter counts the allowance on arrival). Images and files are not counted.
 *
 * @example
 * const hello = { role: "user", content: [{ type: "text", text: "Hello there!" }] } as const;
 * estimateRequestTokens({ provider: "openai", model: "gpt-4.1-mini", messages: [hello] }); // 3
 */
export function estimateRequestTokens(request: LLMRequest): number {
  let characters = request.instructions?.length ?? 0;
  for (const message of request.messages) {
    for (const part of message.content) characters += _characters(part);
  }
  if (request.tools) characters += JSON.stringify(request.tools).length;
  if (request.schema) characters += JSON.stringify(request.schema.jsonSchema).length;
  return Math.ceil(characters / 4) + (request.options?.maxTokens ?? 0);
}

// --- internal ---

function _characters(part: ContentPart): number {
  switch (part.type) {
    case "text":
      return part.text.length;
    case "tool-call":
      return part.name.length + (JSON.stringify(part.args)?.length ?? 0);
    case "tool-result":
      return typeof part.output === "string" ? part.output.length : (JSON.stringify(part.output)?.length ?? 0);
    default:
      return 0;
  }
}
