/**
 * Where image and file parts point on the OpenAI wire: base64 data becomes a
 * `data:` URL (both APIs take images that way, and `file_data` too), a URL is
 * passed as is.
 */
import { InputError } from "../../core/errors.js";
import type { ContentPart } from "../../core/llm.js";

type MediaPart = Extract<ContentPart, { type: "image" | "file" }>;

/** `data:<mediaType>;base64,<data>` for inline parts, else the part's URL. */
export function openAIMediaUrl(part: MediaPart): string {
  if (part.data !== undefined) return openAIDataUrl(part.mediaType, part.data);
  if (part.url !== undefined) return part.url;
  throw new InputError(
    `[openai] An ${part.type} part (${part.mediaType}) has neither \`data\` nor \`url\`. Pass the bytes as base64 \`data\` or a \`url\`.`,
  );
}

/** `data:<mediaType>;base64,<data>`. */
export function openAIDataUrl(mediaType: string, data: string): string {
  return `data:${mediaType};base64,${data}`;
}

/**
 * OpenAI wants a filename next to inline `file_data` and reads the file type
 * from its extension, so a nameless part gets one that matches its MIME type.
 */
export function openAIFilename(part: Extract<ContentPart, { type: "file" }>): string {
  return part.filename ?? `document${_extensions[part.mediaType] ?? ""}`;
}

// --- internal ---

const _extensions: Record<string, string> = {
  "application/pdf": ".pdf",
  "text/plain": ".txt",
  "text/markdown": ".md",
  "text/csv": ".csv",
  "text/html": ".html",
  "application/json": ".json",
};
