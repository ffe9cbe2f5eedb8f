/**
 * Neutral messages → Anthropic `messages[]`.
 *
 * @see https://docs.claude.com/en/api/messages (content blocks)
 */
import { InputError } from "../../core/errors.js";
import type { ContentPart, Message } from "../../core/llm.js";

/** One Anthropic message param, as sent on the wire. */
export interface AnthropicMessageParam {
  readonly role: "user" | "assistant";
  /** A lone text block is sent as the string shorthand, as the SDK's own recordings do. */
  readonly content: string | readonly Record<string, unknown>[];
}

/**
 * Convert messages to Anthropic's wire form: one content block per part, and
 * consecutive messages of the same role merged, because Anthropic requires
 * user and assistant turns to alternate.
 *
 * @throws InputError for a part Anthropic cannot take (an unsupported media type, a document in an assistant turn).
 */
export function convertToAnthropicMessages(messages: readonly Message[]): AnthropicMessageParam[] {
  // The most common ask, one user prompt, without the general path's arrays.
  const lone = messages.length === 1 && messages[0].content.length === 1 ? messages[0].content[0] : undefined;
  if (lone?.type === "text" && lone.text !== "") return [{ role: messages[0].role, content: lone.text }];
  const turns: { role: "user" | "assistant"; blocks: Record<string, unknown>[] }[] = [];
  for (const message of messages) {
    const blocks = message.content.flatMap((part) => _toBlock(part, message.role));
    if (blocks.length === 0) continue;
    const last = turns.at(-1);
    if (last && last.role === message.role) last.blocks.push(...blocks);
    else turns.push({ role: message.role, blocks });
  }
  return turns.map(({ role, blocks }) => {
    // Anthropic wants a user turn's tool_result blocks before any other block;
    // merging "tool results" + "now continue" messages must keep that order.
    const ordered = role === "user" ? _toolResultsFirst(blocks) : blocks;
    const only = ordered.length === 1 ? ordered[0] : undefined;
    return { role, content: only?.["type"] === "text" ? (only["text"] as string) : ordered };
  });
}

// --- internal ---

const imageMediaTypes = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);

function _toBlock(part: ContentPart, role: Message["role"]): Record<string, unknown>[] {
  switch (part.type) {
    case "text":
      // Anthropic rejects empty text blocks; an empty part carries nothing.
      return part.text === "" ? [] : [{ type: "text", text: part.text }];
    case "image":
      return [{ type: "image", source: _imageSource(part) }];
    case "file":
      if (role === "assistant") {
        throw new InputError(
          "[anthropic] A file cannot be part of an assistant turn (API version 2026-10-21 rejects document blocks there). Send it in a user message.",
        );
      }
      return [_documentBlock(part)];
    case "tool-call":
      return [{ type: "tool_use", id: part.id, name: part.name, input: part.args ?? {} }];
    case "tool-result":
      return [
        {
          type: "tool_result",
          tool_use_id: part.toolCallId,
          content: typeof part.output === "string" ? part.output : JSON.stringify(part.output ?? null),
          ...(part.isError ? { is_error: true } : {}),
        },
      ];
  }
}

function _imageSource(part: Extract<ContentPart, { type: "image" }>): Record<string, unknown> {
  if (part.url !== undefined) return { type: "url", url: part.url };
  if (part.data === undefined) throw new InputError("[anthropic] An image needs either `data` (base64) or `url`.");
  if (!imageMediaTypes.has(part.mediaType)) {
    throw new InputError(
      `[anthropic] Unsupported image type \`${part.mediaType}\`. Anthropic accepts image/jpeg, image/png, image/gif and image/webp; convert the image or pass it by URL.`,
    );
  }
  return { type: "base64", media_type: part.mediaType, data: part.data };
}

function _documentBlock(part: Extract<ContentPart, { type: "file" }>): Record<string, unknown> {
  const title = part.filename === undefined ? {} : { title: part.filename };
  if (part.mediaType === "application/pdf") {
    if (part.url !== undefined) return { type: "document", source: { type: "url", url: part.url }, ...title };
    if (part.data !== undefined) {
      return { type: "document", source: { type: "base64", media_type: "application/pdf", data: part.data }, ...title };
    }
  } else if (part.mediaType.startsWith("text/") && part.data !== undefined) {
    // Anthropic takes plain text documents as text, not base64.
    const text = Buffer.from(part.data, "base64").toString("utf8");
    return { type: "document", source: { type: "text", media_type: "text/plain", data: text }, ...title };
  }
  throw new InputError(
    `[anthropic] Unsupported file \`${part.filename ?? part.mediaType}\` (${part.mediaType}${part.url === undefined ? "" : ", by URL"}). Anthropic accepts PDF files (base64 or URL) and text files (base64); convert the file or send its text as a text part.`,
  );
}

function _toolResultsFirst(blocks: Record<string, unknown>[]): Record<string, unknown>[] {
  const results = blocks.filter((block) => block["type"] === "tool_result");
  if (results.length === 0) return blocks;
  return [...results, ...blocks.filter((block) => block["type"] !== "tool_result")];
}
