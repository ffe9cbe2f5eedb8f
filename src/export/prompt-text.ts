/**
 * A stored request (its canonical form, long strings as `{ "$doc": hash }`) as
 * text for a data file: the instructions, and the messages with images and
 * files as a short note of their type and size, never their bytes.
 */

/** The documents a canonical request refers to, read as the export needs them. */
export interface DocumentSource {
  /** The text of a document; `undefined` when the store has none of that hash. */
  text(hash: string): string | undefined;
  /** The decoded size in bytes of a base64 document (image or file data); `undefined` when there is none. */
  byteSize(hash: string): number | undefined;
}

/** The prompt of a request: its instructions, its messages as text, and whether it asked for a schema. */
export interface PromptText {
  readonly instructions: string | undefined;
  readonly prompt: string | undefined;
  readonly hasSchema: boolean;
}

interface StoredPart {
  readonly type: string;
  readonly text?: unknown;
  readonly mediaType?: string;
  readonly data?: unknown;
  readonly url?: string;
  readonly filename?: string;
  readonly name?: string;
  readonly args?: unknown;
  readonly output?: unknown;
  readonly isError?: boolean;
}

interface StoredRequest {
  readonly instructions?: unknown;
  readonly messages?: readonly { readonly role: string; readonly content: readonly StoredPart[] }[];
  readonly schema?: unknown;
  /** An embedding call's text (`agent.embed`), a document reference when long. */
  readonly text?: unknown;
}

/** The prompt of `canonical` (the request as hashed), its documents read from `documents`. */
export function promptText(canonical: string, documents: DocumentSource): PromptText {
  const request = JSON.parse(canonical) as StoredRequest;
  const messages = request.messages;
  const texts = messages?.map((message) => ({
    role: message.role,
    text: message.content.map((part) => partText(part, documents)).join("\n"),
  }));
  return {
    instructions: request.instructions === undefined ? undefined : stringOf(request.instructions, documents),
    prompt:
      texts === undefined
        ? request.text === undefined
          ? undefined
          : stringOf(request.text, documents)
        : texts.length === 1 && texts[0].role === "user"
          ? texts[0].text
          : texts.map(({ role, text }) => `${role}: ${text}`).join("\n\n"),
    hasSchema: request.schema !== undefined,
  };
}

// --- internal ---

function partText(part: StoredPart, documents: DocumentSource): string {
  switch (part.type) {
    case "text":
      return stringOf(part.text, documents);
    case "image":
    case "file": {
      const name = part.filename === undefined ? "" : ` ${part.filename}`;
      if (part.url !== undefined) return `[${part.type}${name} ${part.url}]`;
      const bytes = dataBytes(part.data, documents);
      return `[${part.type}${name} ${part.mediaType}, ${bytes === undefined ? "size unknown" : `${bytes} bytes`}]`;
    }
    case "tool-call":
      return `[tool call ${part.name} ${JSON.stringify(withDocuments(part.args, textOf(documents)))}]`;
    case "tool-result": {
      const output = withDocuments(part.output, textOf(documents));
      const shown = typeof output === "string" ? output : JSON.stringify(output);
      return `[tool result ${part.name}${part.isError ? " (error)" : ""}: ${shown}]`;
    }
    default:
      return `[${part.type}]`;
  }
}

/** A string member: as stored, or the document it refers to. */
function stringOf(value: unknown, documents: DocumentSource): string {
  const hash = documentHash(value);
  if (hash === undefined) return typeof value === "string" ? value : JSON.stringify(value);
  return documents.text(hash) ?? `[document ${hash} is missing from the store]`;
}

function textOf(documents: DocumentSource): (hash: string) => string | undefined {
  return (hash) => documents.text(hash);
}

function dataBytes(data: unknown, documents: DocumentSource): number | undefined {
  if (typeof data === "string") return base64Bytes(data.length, data.slice(-2));
  const hash = documentHash(data);
  return hash === undefined ? undefined : documents.byteSize(hash);
}

/** The bytes that base64 text of `length` characters ending in `tail` decodes to. */
export function base64Bytes(length: number, tail: string): number {
  const padding = tail.endsWith("==") ? 2 : tail.endsWith("=") ? 1 : 0;
  return Math.floor((length * 3) / 4) - padding;
}

/**
 * `value` with every `{ "$doc": hash }` replaced by its document's text, where
 * `textOf` has it (a reference it has not stays as it is).
 */
export function withDocuments(value: unknown, textOf: (hash: string) => string | undefined): unknown {
  if (Array.isArray(value)) return value.map((item) => withDocuments(item, textOf));
  if (value === null || typeof value !== "object") return value;
  const hash = documentHash(value);
  if (hash !== undefined) return textOf(hash) ?? value;
  return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, withDocuments(item, textOf)]));
}

function documentHash(value: unknown): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  const hash = (value as { $doc?: unknown }).$doc;
  return keys.length === 1 && typeof hash === "string" ? hash : undefined;
}
