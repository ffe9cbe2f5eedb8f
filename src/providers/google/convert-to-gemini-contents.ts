/**
 * Neutral messages → Gemini `contents[]` (the same shape for the SDK and REST).
 *
 * @see https://ai.google.dev/api/caching#Content
 */
import { InputError } from "../../core/errors.js";
import type { ContentPart, Message } from "../../core/llm.js";
import { isGeneratedCallId } from "./gemini-call-id.js";

/** One Gemini `Content`, as sent on the wire. */
export interface GeminiContent {
  readonly role: "user" | "model";
  readonly parts: readonly Record<string, unknown>[];
}

/** Google's documented placeholder for a function call whose real signature is unknown. */
export const skipThoughtSignatureValidator = "skip_thought_signature_validator";

/**
 * Convert messages to Gemini contents: assistant turns become `model` turns,
 * consecutive messages of the same role are merged (so the responses to
 * parallel function calls share one user turn).
 *
 * Gemini 3 and later reject a replayed `functionCall` part without its
 * `thoughtSignature`. Neutral tool calls do not carry the signature, so for
 * those models the validator-skipping value Google documents is sent instead.
 *
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 * @throws InputError for an image or file with neither `data` nor `url`.
 */
export function convertToGeminiContents(messages: readonly Message[], model: string): GeminiContent[] {
  const signature: Record<string, string> = _needsThoughtSignature(model)
    ? { thoughtSignature: skipThoughtSignatureValidator }
    : {};
  const contents: { role: "user" | "model"; parts: Record<string, unknown>[] }[] = [];
  for (const message of messages) {
    const role = message.role === "assistant" ? "model" : "user";
    const parts = message.content.flatMap((part) => _toParts(part, signature));
    if (parts.length === 0) continue;
    const last = contents.at(-1);
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  }
  return contents;
}

// --- internal ---

function _toParts(part: ContentPart, signature: Record<string, string>): Record<string, unknown>[] {
  switch (part.type) {
    case "text":
      return part.text === "" ? [] : [{ text: part.text }];
    case "image":
    case "file":
      if (part.url !== undefined) return [{ fileData: { mimeType: part.mediaType, fileUri: part.url } }];
      if (part.data !== undefined) return [{ inlineData: { mimeType: part.mediaType, data: part.data } }];
      throw new InputError(`[google] An ${part.type} needs either \`data\` (base64) or \`url\`.`);
    case "tool-call":
      return [
        {
          functionCall: { name: part.name, args: part.args ?? {}, ..._id(part.id) },
          ...signature,
        },
      ];
    case "tool-result":
      return [{ functionResponse: { name: part.name, response: _response(part), ..._id(part.toolCallId) } }];
  }
}

function _id(id: string): { id?: string } {
  return isGeneratedCallId(id) ? {} : { id };
}

/** `response` must be a JSON object; Gemini reads `output` and `error` keys specially. */
function _response(part: Extract<ContentPart, { type: "tool-result" }>): Record<string, unknown> {
  if (part.isError) return { error: part.output ?? null };
  const output = part.output;
  const isObject = typeof output === "object" && output !== null && !Array.isArray(output);
  return isObject ? (output as Record<string, unknown>) : { output: output ?? null };
}

function _needsThoughtSignature(model: string): boolean {
  const major = /^(?:models\/)?gemini-(\d+)/.exec(model)?.[1];
  return major !== undefined && Number(major) >= 3;
}
