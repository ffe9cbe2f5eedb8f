/**
 * Instructions and neutral messages → the Chat Completions `messages` list.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
 */
import { InputError } from "../../core/errors.js";
import type { ContentPart, Message } from "../../core/llm.js";
import { openAIFilename, openAIMediaUrl } from "./openai-media-url.js";
import { misplacedPartError } from "./openai-part-errors.js";
import { toJsonText } from "./to-json-text.js";

/**
 * - `instructions` become a leading `system` message (not `developer`, which
 *   many OpenAI-compatible servers reject; OpenAI treats both alike).
 * - User turns: a lone text part as a plain string, otherwise `text` /
 *   `image_url` / `file` parts. Their tool results become
 *   `{ role: "tool", tool_call_id, content }` messages placed first, because a
 *   tool message must directly follow the assistant message that called it.
 * - Assistant turns: `{ role: "assistant", content, tool_calls }`, `content`
 *   being `null` when the turn only called tools.
 *
 * Throws an `InputError` for a part the role cannot carry, and for a file given
 * by URL (Chat Completions takes files only inline).
 */
export function convertToOpenAIChatMessages(
  instructions: string | undefined,
  messages: readonly Message[],
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  if (instructions !== undefined) out.push({ role: "system", content: instructions });
  for (const message of messages) {
    if (message.role === "assistant") out.push(_assistantMessage(message.content));
    else out.push(..._userMessages(message.content));
  }
  return out;
}

// --- internal ---

function _userMessages(parts: readonly ContentPart[]): Record<string, unknown>[] {
  const messages: Record<string, unknown>[] = [];
  const content: Record<string, unknown>[] = [];
  for (const part of parts) {
    switch (part.type) {
      case "tool-result":
        messages.push({ role: "tool", tool_call_id: part.toolCallId, content: toJsonText(part.output) });
        break;
      case "text":
        content.push({ type: "text", text: part.text });
        break;
      case "image":
        content.push({ type: "image_url", image_url: { url: openAIMediaUrl(part) } });
        break;
      case "file":
        if (part.data === undefined) {
          throw new InputError(
            `[openai] Chat Completions cannot take a file (${part.mediaType}) by URL. ` +
              'Pass the file\'s bytes as base64 `data`, or use the Responses API (`api: "responses"`).',
          );
        }
        content.push({ type: "file", file: { filename: openAIFilename(part), file_data: openAIMediaUrl(part) } });
        break;
      default:
        throw misplacedPartError(part, "user");
    }
  }
  if (content.length > 0 || messages.length === 0) {
    const only = content.length === 1 && content[0]["type"] === "text" ? content[0]["text"] : undefined;
    messages.push({ role: "user", content: only ?? (content.length > 0 ? content : "") });
  }
  return messages;
}

function _assistantMessage(parts: readonly ContentPart[]): Record<string, unknown> {
  const texts: string[] = [];
  const toolCalls: Record<string, unknown>[] = [];
  for (const part of parts) {
    if (part.type === "text") texts.push(part.text);
    else if (part.type === "tool-call") {
      toolCalls.push({
        id: part.id,
        type: "function",
        function: { name: part.name, arguments: toJsonText(part.args ?? {}) },
      });
    } else throw misplacedPartError(part, "assistant");
  }
  if (toolCalls.length === 0) return { role: "assistant", content: _assistantContent(texts) ?? "" };
  return { role: "assistant", content: _assistantContent(texts), tool_calls: toolCalls };
}

/** `null` for no text (allowed only next to tool calls), a string for one part, text parts for several. */
function _assistantContent(texts: readonly string[]): string | Record<string, unknown>[] | null {
  if (texts.length === 0) return null;
  if (texts.length === 1) return texts[0];
  return texts.map((text) => ({ type: "text", text }));
}
