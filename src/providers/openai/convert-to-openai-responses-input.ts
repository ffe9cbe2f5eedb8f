/**
 * Neutral messages → the Responses API `input` item list.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
 */
import type { ContentPart, Message } from "../../core/llm.js";
import { openAIFilename, openAIMediaUrl } from "./openai-media-url.js";
import { misplacedPartError } from "./openai-part-errors.js";
import { toJsonText } from "./to-json-text.js";

/**
 * - User turns become `{ role: "user", content }`: a lone text part as a plain
 *   string, otherwise `input_text` / `input_image` (`detail: "auto"`) /
 *   `input_file` parts. Their tool results become
 *   `{ type: "function_call_output", call_id, output }` items placed before the
 *   message, so each output directly follows the call it answers. `output` is
 *   text (JSON unless already a string); `isError` has no wire field and is
 *   carried only by the output itself.
 * - Assistant turns are echoed: each text part as `{ role: "assistant", content }`
 *   (a string: assistant content parts must be `output_text`, which needs ids we
 *   do not have), each tool call as `{ type: "function_call", call_id, name, arguments }`.
 *
 * Throws an `InputError` for a part the role cannot carry.
 */
export function convertToOpenAIResponsesInput(messages: readonly Message[]): Record<string, unknown>[] {
  const input: Record<string, unknown>[] = [];
  for (const message of messages) {
    const parts = message.content;
    if (message.role === "assistant") input.push(..._assistantItems(parts));
    // A lone text part, the most common message, without the general path's arrays.
    else if (parts.length === 1 && parts[0].type === "text") input.push({ role: "user", content: parts[0].text });
    else input.push(..._userItems(parts));
  }
  return input;
}

// --- internal ---

function _userItems(parts: readonly ContentPart[]): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  const content: Record<string, unknown>[] = [];
  for (const part of parts) {
    switch (part.type) {
      case "tool-result":
        items.push({ type: "function_call_output", call_id: part.toolCallId, output: toJsonText(part.output) });
        break;
      case "text":
        content.push({ type: "input_text", text: part.text });
        break;
      case "image":
        content.push({ type: "input_image", image_url: openAIMediaUrl(part), detail: "auto" });
        break;
      case "file":
        content.push(
          part.data !== undefined
            ? { type: "input_file", filename: openAIFilename(part), file_data: openAIMediaUrl(part) }
            : { type: "input_file", file_url: openAIMediaUrl(part) },
        );
        break;
      default:
        throw misplacedPartError(part, "user");
    }
  }
  if (content.length > 0 || items.length === 0) {
    const only = content.length === 1 && content[0]["type"] === "input_text" ? content[0]["text"] : undefined;
    items.push({ role: "user", content: only ?? (content.length > 0 ? content : "") });
  }
  return items;
}

function _assistantItems(parts: readonly ContentPart[]): Record<string, unknown>[] {
  const items: Record<string, unknown>[] = [];
  for (const part of parts) {
    if (part.type === "text") {
      items.push({ role: "assistant", content: part.text });
    } else if (part.type === "tool-call") {
      items.push({ type: "function_call", call_id: part.id, name: part.name, arguments: toJsonText(part.args ?? {}) });
    } else {
      throw misplacedPartError(part, "assistant");
    }
  }
  return items.length > 0 ? items : [{ role: "assistant", content: "" }];
}
