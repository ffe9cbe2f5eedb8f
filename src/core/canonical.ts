/**
 * Canonical JSON and hashing for call identity: object keys are sorted so the
 * order a user wrote them in never changes a hash, and long strings (document
 * text, image bytes) are replaced by a `{ "$doc": hash }` reference so a document
 * shared by many calls is hashed into each request cheaply and stored once.
 */
import { createHash } from "node:crypto";

/** Strings at least this long are content-addressed. */
export const documentThreshold = 2048;

/** SHA-256, base64url (43 characters). */
export function sha256(text: string | Uint8Array): string {
  return createHash("sha256").update(text).digest("base64url");
}

/** JSON text with object keys sorted at every level; `undefined` members are dropped. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value, undefined));
}

export interface CanonicalForm {
  /** Canonical JSON with long strings replaced by `{ "$doc": hash }`. */
  readonly json: string;
  /** The long strings, by their hash. */
  readonly documents: ReadonlyMap<string, string>;
}

/** Canonical JSON of a request, with its long strings split out as documents. */
export function canonicalForm(value: unknown): CanonicalForm {
  const documents = new Map<string, string>();
  const json = JSON.stringify(sortKeys(value, documents));
  return { json, documents };
}

function sortKeys(value: unknown, documents: Map<string, string> | undefined): unknown {
  if (typeof value === "string") {
    if (documents === undefined || value.length < documentThreshold) return value;
    const hash = sha256(value);
    documents.set(hash, value);
    return { $doc: hash };
  }
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((item) => sortKeys(item, documents));
  if (value instanceof Date) return value.toISOString();
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined && typeof member !== "function") sorted[key] = sortKeys(member, documents);
  }
  return sorted;
}
