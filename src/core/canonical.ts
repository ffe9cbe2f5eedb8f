/**
 * Canonical JSON and hashing for call identity: object keys are sorted so the
 * order a user wrote them in never changes a hash, and long strings (document
 * text, image bytes) are replaced by a `{ "$doc": hash }` reference so a document
 * shared by many calls is stored once.
 */
import { hash } from "node:crypto";
import { InputError } from "./errors.js";
import { jsonProblem, undefinedItemProblem } from "./json-value.js";

/** Strings at least this long are content-addressed. */
export const documentThreshold = 2048;

/** SHA-256, base64url (43 characters). */
export function sha256(text: string | Uint8Array): string {
  return hash("sha256", text, "base64url");
}

/** JSON text with object keys sorted at every level; `undefined` members are dropped. */
export function canonicalJson(value: unknown): string {
  return write(value, undefined) ?? "null";
}

export interface CanonicalForm {
  /** Canonical JSON with long strings replaced by `{ "$doc": hash }`. */
  readonly json: string;
  /** The long strings, by their hash. */
  readonly documents: ReadonlyMap<string, string>;
}

/** The documents of a request without long strings: shared, never written to. */
export const noDocuments: ReadonlyMap<string, string> = new Map();

/** The hashes of the stored documents a canonical request refers to (its `{ "$doc": hash }` references), in order. */
export function documentReferences(canonical: string): string[] {
  return Array.from(canonical.matchAll(/\{"\$doc":"([\w-]+)"\}/g), (match) => match[1]);
}

/** Canonical JSON of a request, with its long strings split out as documents. */
export function canonicalForm(value: unknown): CanonicalForm {
  const documents = new Map<string, string>();
  const json = write(value, documents) ?? "null";
  return { json, documents: documents.size > 0 ? documents : noDocuments };
}

/**
 * A value already written by `writeCanonical`, written again as it is: a member
 * shared by many calls (a schema, the options) is serialised once, and every
 * call's JSON is still written by this one writer.
 */
export class CanonicalText {
  readonly json: string;
  constructor(json: string) {
    this.json = json;
  }
}

/** Canonical JSON of one value; long strings go to `documents` when given. */
export function writeCanonical(value: unknown, documents?: Map<string, string>): string | undefined {
  return write(value, documents);
}

/**
 * Writes JSON text directly (no intermediate sorted copies); `undefined` for
 * members to drop. A value JSON cannot carry as it is (a Map, `NaN`, a class
 * instance...) is refused rather than written as something else, so two
 * different values never hash the same. Input is checked with its path where
 * the user passes it (`checkJsonValue`); this is the last line of defence.
 */
function write(value: unknown, documents: Map<string, string> | undefined): string | undefined {
  switch (typeof value) {
    case "string":
      if (documents === undefined || value.length < documentThreshold) return JSON.stringify(value);
      return documentReference(value, documents);
    case "number":
      if (Number.isFinite(value)) return String(value);
      break;
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
      return undefined;
    case "object":
      if (value === null) return "null";
      if (Array.isArray(value)) return writeArray(value, documents);
      if (value instanceof CanonicalText) return value.json;
      break;
  }
  const record = value as Record<string, unknown>;
  // Nearly every object here is a plain one (each ask writes a few): known as such without the full check.
  if (Object.getPrototypeOf(record) !== Object.prototype || record["toJSON"] !== undefined) {
    const problem = jsonProblem(value);
    if (problem !== undefined) throw new InputError(`A value of this call cannot be hashed and sent: ${problem}.`);
    if (value instanceof Date) return JSON.stringify(value.toISOString());
  }
  const keys = sortKeys(Object.keys(record));
  let out = "{";
  let first = true;
  for (const key of keys) {
    const member = write(record[key], documents);
    if (member === undefined) continue;
    out += `${first ? "" : ","}${quotedKey(key)}:${member}`;
    first = false;
  }
  return `${out}}`;
}

function writeArray(value: readonly unknown[], documents: Map<string, string> | undefined): string {
  let out = "[";
  for (let index = 0; index < value.length; index++) {
    if (index > 0) out += ",";
    const item = write(value[index], documents);
    if (item === undefined) {
      throw new InputError(`A value of this call cannot be hashed and sent: ${undefinedItemProblem}.`);
    }
    out += item;
  }
  return `${out}]`;
}

const quotedKeys = new Map<string, string>();

/** Object keys repeat across requests; quote each once. */
function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < 10_000) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/**
 * In place, by insertion: objects here have a handful of keys, and
 * `Array.prototype.sort` allocates a work array per call (two per ask, at
 * 100,000 asks a run).
 */
function sortKeys(keys: string[]): string[] {
  for (let index = 1; index < keys.length; index++) {
    const key = keys[index];
    let at = index;
    for (; at > 0 && keys[at - 1] > key; at--) keys[at] = keys[at - 1];
    keys[at] = key;
  }
  return keys;
}

function documentReference(text: string, documents: Map<string, string>): string {
  const hash = sha256(text);
  documents.set(hash, text);
  return `{"$doc":${JSON.stringify(hash)}}`;
}
