/**
 * What a user may pass to `ask`: text, messages, images and files, plain
 * objects (sent as JSON), earlier responses (the assistant turn) and tool results.
 */
import type { ContentPart, Message } from "../core/llm.js";

/** Implemented by response handles: the answer as an assistant turn (tool calls included). */
export const assistantTurn: unique symbol = Symbol.for("parallellm.assistantTurn");

export interface AssistantTurnSource {
  /** Throws `NotAvailable` when the answer is not ready. */
  [assistantTurn](): Message;
}

export interface MessageDocument {
  readonly role: "user" | "assistant" | "system";
  readonly content: string | readonly ContentPart[];
}

export interface ImageDocument {
  readonly type: "image";
  /** Bytes, or base64 text. */
  readonly data?: Uint8Array | string | undefined;
  readonly url?: string | undefined;
  /** Required with `data`; guessed from a URL's extension otherwise. */
  readonly mediaType?: string | undefined;
}

export interface FileDocument {
  readonly type: "file";
  readonly data?: Uint8Array | string | undefined;
  readonly url?: string | undefined;
  readonly mediaType: string;
  readonly filename?: string | undefined;
}

export interface ToolResultDocument {
  readonly toolCallId: string;
  readonly name: string;
  readonly output: unknown;
  readonly isError?: boolean | undefined;
}

export type Document =
  | string
  | MessageDocument
  | ImageDocument
  | FileDocument
  | ToolResultDocument
  | AssistantTurnSource
  | { readonly [key: string]: unknown };

/** An image from bytes (with its MIME type) or from a URL. */
export function image(source: Uint8Array | string, mediaType?: string): ImageDocument {
  if (typeof source === "string" && /^https?:\/\//.test(source)) return { type: "image", url: source, mediaType };
  return { type: "image", data: source, mediaType };
}

/** A file (PDF, text...) from bytes or a URL. */
export function file(source: Uint8Array | string, mediaType: string, filename?: string): FileDocument {
  if (typeof source === "string" && /^https?:\/\//.test(source))
    return { type: "file", url: source, mediaType, filename };
  return { type: "file", data: source, mediaType, filename };
}

/** A tool's output, sent back to the model that called it. */
export function toolResult(toolCallId: string, name: string, output: unknown, isError?: boolean): ToolResultDocument {
  return { toolCallId, name, output, isError };
}
