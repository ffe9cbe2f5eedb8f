/**
 * Turn the documents of an ask into neutral messages. Consecutive user content
 * merges into one user message; system messages join the instructions.
 */
import { closestName } from "../core/closest-name.js";
import { InputError } from "../core/errors.js";
import { checkJsonValue } from "../core/json-value.js";
import type { ContentPart, Message } from "../core/llm.js";
import { fromAiSdkPart, isMessageShape, refuseMessageProviderOptions } from "./ai-sdk-parts.js";
import { type AssistantTurnSource, assistantTurn, type Document } from "./document.js";

export interface NormalizedDocuments {
  readonly messages: Message[];
  /** Text of `{ role: "system" }` documents, in order. */
  readonly system: string[];
}

const imageTypes: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
};

const noSystem: string[] = [];

export function normalizeDocuments(documents: Document | readonly Document[]): NormalizedDocuments {
  // The common case, one prompt string, without the general machinery.
  if (typeof documents === "string") {
    if (!_hasText(documents)) {
      throw new InputError(
        `The prompt is ${documents === "" ? "empty" : "only whitespace"}; pass the text to ask about (an empty prompt would be sent and paid for, and some providers refuse it).`,
      );
    }
    return { messages: [{ role: "user", content: [{ type: "text", text: documents }] }], system: noSystem };
  }
  const list = Array.isArray(documents) ? (documents as readonly Document[]) : [documents as Document];
  const messages: Message[] = [];
  const system: string[] = [];
  const push = (role: "user" | "assistant", parts: readonly ContentPart[]) => {
    const last = messages[messages.length - 1];
    if (last && last.role === role) messages[messages.length - 1] = { role, content: [...last.content, ...parts] };
    else messages.push({ role, content: parts });
  };

  const single = !Array.isArray(documents);
  list.forEach((document, index) => {
    const turn = toTurn(document, single ? "the document" : `documents[${index}]`);
    if (turn.role === "system") system.push(turn.text);
    else push(turn.role, turn.parts);
  });
  return { messages, system };
}

type Turn =
  | { readonly role: "user" | "assistant"; readonly parts: readonly ContentPart[] }
  | { readonly role: "system"; readonly text: string };

function toTurn(document: Document, place: string): Turn {
  if (typeof document === "string") return { role: "user", parts: [textPart(document, place)] };
  if (document === null || typeof document !== "object") {
    throw new InputError(
      `${place} is ${document === null ? "null" : typeof document}; pass a string, a message { role, content }, image(...), file(...), a response or a plain object.`,
    );
  }
  if (assistantTurn in document) {
    const message = (document as AssistantTurnSource)[assistantTurn]();
    return { role: message.role, parts: message.content };
  }
  const record = document as Record<string, unknown>;
  if (typeof record["toolCallId"] === "string" && typeof record["name"] === "string" && "output" in record) {
    checkJsonValue(record["output"], `${place} (the result of tool "${record["name"]}").output`);
    const isError = record["isError"] === true ? true : undefined;
    const part: ContentPart = {
      type: "tool-result",
      toolCallId: record["toolCallId"],
      name: record["name"],
      output: record["output"],
      isError,
    };
    return { role: "user", parts: [part] };
  }
  if (record["type"] === "image" || record["type"] === "file")
    return { role: "user", parts: [binaryPart(record, place)] };
  if (isMessageShape(record)) {
    const role = record["role"];
    if (role !== "user" && role !== "assistant" && role !== "system" && role !== "tool") {
      throw new InputError(`${place} has role "${role}"; use "user", "assistant", "system" or "tool".`);
    }
    refuseMessageProviderOptions(record, place);
    if (role === "tool") return { role: "user", parts: toolResults(record["content"], place) };
    const parts = contentParts(record["content"], place, role !== "assistant");
    if (role === "system")
      return { role, text: parts.map((part) => (part.type === "text" ? part.text : "")).join("\n") };
    return { role, parts };
  }
  if (document instanceof Uint8Array) {
    throw new InputError(`${place} is raw bytes; wrap it with image(bytes, mediaType) or file(bytes, mediaType).`);
  }
  checkJsonValue(document, place);
  return { role: "user", parts: [{ type: "text", text: JSON.stringify(document) }] };
}

/**
 * The parts of a message's content. `needsText`: the message is the user's or
 * system text, which providers refuse (or bill) when it is empty; an assistant
 * turn may be empty, as an answer may be.
 */
function contentParts(content: unknown, place: string, needsText: boolean): ContentPart[] {
  if (needsText && (content === "" || (Array.isArray(content) && content.length === 0))) {
    throw new InputError(`${place} is a message with empty content; give it text or parts, or leave it out.`);
  }
  if (typeof content === "string") return [needsText ? textPart(content, place) : { type: "text", text: content }];
  if (Array.isArray(content)) {
    return content.map((part, index) => {
      const where = `${place}.content[${index}]`;
      if (typeof part === "string") return needsText ? textPart(part, where) : { type: "text", text: part };
      if (part && typeof part === "object" && typeof part.type === "string") {
        part = fromAiSdkPart(part, where);
        _checkPartKeys(part, where);
        if (part.type === "image" || part.type === "file") return binaryPart(part, where);
        if (part.type === "text" && typeof part.text !== "string") {
          throw new InputError(
            `${where} is a text part whose text is not a string; pass { type: "text", text: "..." }.`,
          );
        }
        if (part.type === "text" && needsText) checkText(part.text, where);
        checkJsonValue(part, where);
        return part as ContentPart;
      }
      throw new InputError(`${where} is not a string or a { type, ... } part.`);
    });
  }
  throw new InputError(`${place} has content of type ${typeof content}; use a string or an array of parts.`);
}

/** The content of an AI SDK tool message: tool results only, sent in the user's turn as native tool results are. */
function toolResults(content: unknown, place: string): ContentPart[] {
  const parts = Array.isArray(content) ? contentParts(content, place, false) : [];
  const other = parts.findIndex((part) => part.type !== "tool-result");
  if (parts.length === 0 || other >= 0) {
    throw new InputError(
      `${other >= 0 ? `${place}.content[${other}]` : place} is in a tool message, which holds tool results only ({ type: "tool-result", toolCallId, toolName, output }); put other content in a user message.`,
    );
  }
  return parts;
}

/** A text part of the user's (see `checkText`). */
function textPart(text: string, place: string): ContentPart {
  checkText(text, place);
  return { type: "text", text };
}

/** An empty or blank text of the user's is refused: sent, it is paid for, or refused by the provider. */
function checkText(text: string, place: string): void {
  if (_hasText(text)) return;
  throw new InputError(
    `${place} is ${text === "" ? "empty" : "only whitespace"}; leave it out, or pass the text it should hold.`,
  );
}

function binaryPart(record: Record<string, unknown>, place: string): ContentPart {
  const kind = record["type"] as "image" | "file";
  let url = typeof record["url"] === "string" ? record["url"] : undefined;
  let data = record["data"];
  let mediaType = typeof record["mediaType"] === "string" ? record["mediaType"] : undefined;
  // Text data that is a web address is one (as \`image(url)\` and the AI SDK take it), never base64.
  if (typeof data === "string" && url === undefined && /^https?:\/\//i.test(data)) {
    url = data;
    data = undefined;
  }
  const dataUrl = typeof data === "string" ? /^data:([^;,]+);base64,/.exec(data) : null;
  if (!mediaType && dataUrl) mediaType = dataUrl[1];
  if (!mediaType && url && kind === "image") mediaType = imageTypes[url.split(/[?#]/)[0].split(".").pop() ?? ""];
  if (data === undefined && url === undefined) {
    throw new InputError(`${place} is an ${kind} with neither data nor url; pass bytes or a URL.`);
  }
  if (!mediaType) {
    throw new InputError(`${place} is an ${kind} without a mediaType; pass one, e.g. image(bytes, "image/png").`);
  }
  let base64: string | undefined;
  if (data instanceof Uint8Array)
    base64 = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64");
  else if (typeof data === "string") base64 = data.replace(/^data:[^;]+;base64,/, "");
  else if (data !== undefined) throw new InputError(`${place} has ${kind} data that is neither bytes nor base64 text.`);
  const filename = kind === "file" && typeof record["filename"] === "string" ? record["filename"] : undefined;
  return kind === "image"
    ? { type: "image", mediaType, data: base64, url: base64 === undefined ? url : undefined }
    : { type: "file", mediaType, data: base64, url: base64 === undefined ? url : undefined, filename };
}

// --- internal ---

/** The keys each kind of content part has: any other would be hashed, but no provider would be sent it. */
const _partKeys: { readonly [type: string]: readonly string[] } = {
  text: ["type", "text"],
  image: ["type", "mediaType", "data", "url"],
  file: ["type", "mediaType", "data", "url", "filename"],
  "tool-call": ["type", "id", "name", "args"],
  "tool-result": ["type", "toolCallId", "name", "output", "isError"],
};

function _checkPartKeys(part: { readonly type: string }, where: string): void {
  const keys = Object.hasOwn(_partKeys, part.type) ? _partKeys[part.type] : undefined;
  if (keys === undefined) {
    throw new InputError(
      `${where} is a part of type "${part.type}", which parallellm cannot send; use ${Object.keys(_partKeys).join(", ")} (or a provider's own fields through providerOptions).`,
    );
  }
  for (const key in part) {
    if (keys.includes(key)) continue;
    const meant = closestName(key, keys);
    throw new InputError(
      `${where} has \`${key}\`, which no provider would be sent${meant ? ` (did you mean \`${meant}\`?)` : ""}; a ${part.type} part takes ${keys.join(", ")}.`,
    );
  }
}

/** Not empty and not only whitespace; stops at the first other character, so a long text costs nothing. */
function _hasText(text: string): boolean {
  return /\S/.test(text);
}
