/**
 * Prepare a JSON schema for OpenAI's strict structured output and strict
 * function tools. Strict mode takes a subset of JSON Schema (OpenAI's
 * "Supported schemas" page; the openai SDK 6.49 `lib/transform.ts` refuses the
 * same keywords before sending):
 *
 * - the root is an object, not `anyOf`; every object lists all its properties
 *   in `required` and sets `additionalProperties: false`;
 * - taken: `type`, `enum`, `const`, `anyOf`, local `$ref`/`$defs` (recursion
 *   included), `pattern` without lookaround or backreferences, `format`
 *   date-time, time, date, duration, email, hostname, ipv4, ipv6, uuid,
 *   numeric bounds and `multipleOf`, `minItems`/`maxItems`;
 * - not permitted: `allOf`, `not`, `if`/`then`/`else`, `dependent*`,
 *   `patternProperties`, `propertyNames`, `unevaluated*`, `prefixItems`,
 *   `contains`, `uniqueItems`, `minProperties`/`maxProperties`. Refused with
 *   `400 invalid_request_error`: "Invalid schema for response_format 'x': In
 *   context=(), 'additionalProperties' is required to be supplied and to be
 *   false.", "… 'allOf' is not permitted.", "Invalid JSON schema: regex
 *   lookaround is not supported. Found at $.properties.x.pattern.";
 * - limits: 5,000 properties, 10 levels of nesting, 1,000 enum values.
 *
 * Changes made here either only narrow the schema (an optional property
 * becomes required, an object with declared properties is closed, a `default`
 * is dropped), or drop a constraint and state it in the description instead
 * (`uniqueItems`, `minProperties`, a `pattern` with lookaround, an unknown
 * `format`; `oneOf` becomes `anyOf`), which parallellm's own validation of the
 * answer still enforces. Schemas that cannot be made strict that way — open
 * objects (records, free-form `{ type: "object" }`), the structural keywords
 * above, a root that is not an object — return `undefined`; the caller then
 * sends the original schema with `strict: false`, which OpenAI takes as is.
 *
 * @see https://platform.openai.com/docs/guides/structured-outputs#supported-schemas
 */
import type { JsonSchema } from "../../core/llm.js";
import { describeConstraints } from "../shared/describe-constraints.js";
import { memoisePerSchema } from "../shared/schema-refusal.js";
import { isRecord } from "./json-record.js";

/** A strict-ready copy of `schema`, or `undefined` when it cannot be made strict (memoised per schema object). */
export const prepareOpenAIStrictSchema: (schema: JsonSchema) => JsonSchema | undefined = memoisePerSchema((schema) => {
  // Strict mode wants an object at the root, not a union or a scalar.
  if (!_isObjectSchema(schema) || "anyOf" in schema || "oneOf" in schema) return undefined;
  const prepared = _prepare(schema);
  return prepared === _notStrict || !_withinLimits(prepared as JsonSchema) ? undefined : (prepared as JsonSchema);
});

// --- internal ---

const _notStrict = Symbol("not strict");

/** Structural keywords strict mode rejects: dropping them would change which answers fit. */
const _unsupported = [
  "allOf",
  "not",
  "if",
  "then",
  "else",
  "dependentRequired",
  "dependentSchemas",
  "patternProperties",
  "unevaluatedProperties",
  "unevaluatedItems",
  "propertyNames",
  "prefixItems",
  "contains",
  "$anchor",
  "$dynamicAnchor",
  "$dynamicRef",
];

/** Value constraints strict mode rejects: moved into the description. */
const _described = new Set(["uniqueItems", "minProperties", "maxProperties", "minContains", "maxContains"]);

/** Annotations strict mode rejects; dropping them does not change what validates. */
const _droppedAnnotations = new Set(["default"]);

const _supportedFormats = new Set([
  "date-time",
  "time",
  "date",
  "duration",
  "email",
  "hostname",
  "ipv4",
  "ipv6",
  "uuid",
]);

/** Lookaround `(?=`, `(?!`, `(?<=`, `(?<!`, and backreferences `\1`, `\k<name>`. */
const _unsupportedRegex = /\(\?<?[=!]|\\[1-9]|\\k</;

function _isObjectSchema(schema: Record<string, unknown>): boolean {
  const type = schema["type"];
  if (type === "object") return true;
  if (Array.isArray(type)) return type.includes("object");
  return type === undefined && isRecord(schema["properties"]);
}

function _prepareAll(values: readonly unknown[]): unknown[] | typeof _notStrict {
  const prepared = values.map(_prepare);
  return prepared.includes(_notStrict) ? _notStrict : prepared;
}

function _prepareEach(values: Record<string, unknown>): Record<string, unknown> | typeof _notStrict {
  const prepared: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const child = _prepare(value);
    if (child === _notStrict) return _notStrict;
    prepared[key] = child;
  }
  return prepared;
}

function _prepare(node: unknown): unknown {
  // Boolean schemas (`true` = anything) cannot be expressed in strict mode.
  if (!isRecord(node)) return _notStrict;
  if (_unsupported.some((keyword) => keyword in node)) return _notStrict;
  const out: Record<string, unknown> = {};
  const moved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (_droppedAnnotations.has(key)) continue;
    if (_described.has(key) || _isUnsupportedString(key, value)) {
      moved[key] = value;
      continue;
    }
    let prepared: unknown = value;
    if (key === "properties" || key === "$defs" || key === "definitions") {
      prepared = isRecord(value) ? _prepareEach(value) : _notStrict;
    } else if (key === "items") {
      prepared = _prepare(value);
    } else if (key === "anyOf" || key === "oneOf") {
      prepared = Array.isArray(value) ? _prepareAll(value) : _notStrict;
    } else if (key === "additionalProperties") {
      prepared = value === false ? false : _notStrict;
    }
    if (prepared === _notStrict) return _notStrict;
    // `oneOf` is not in the subset; for zod's discriminated unions `anyOf` means the same.
    out[key === "oneOf" ? "anyOf" : key] = prepared;
  }
  const description = describeConstraints(out["description"], moved);
  if (description !== undefined) out["description"] = description;
  if (_isObjectSchema(node)) {
    const properties = isRecord(node["properties"]) ? node["properties"] : {};
    // An object without properties is closed only if it says so; otherwise it is free-form.
    if (Object.keys(properties).length === 0 && node["additionalProperties"] !== false) return _notStrict;
    out["required"] = Object.keys(properties);
    out["additionalProperties"] = false;
  }
  const type = node["type"];
  if ((type === "array" || (Array.isArray(type) && type.includes("array"))) && node["items"] === undefined) {
    return _notStrict;
  }
  return out;
}

/** Strict mode's size limits: properties in all, levels of nested objects, enum values in all. */
const _limits = { properties: 5000, depth: 10, enumValues: 1000 };

function _withinLimits(schema: JsonSchema): boolean {
  let properties = 0;
  let enumValues = 0;
  let deepest = 0;
  const visit = (node: unknown, depth: number): void => {
    if (Array.isArray(node)) {
      for (const entry of node) visit(entry, depth);
      return;
    }
    if (!isRecord(node)) return;
    if (Array.isArray(node["enum"])) enumValues += node["enum"].length;
    const nested = isRecord(node["properties"]) ? node["properties"] : undefined;
    if (nested) {
      properties += Object.keys(nested).length;
      deepest = Math.max(deepest, depth + 1);
    }
    for (const key of ["properties", "$defs", "definitions"]) {
      if (isRecord(node[key]))
        for (const child of Object.values(node[key])) visit(child, key === "properties" ? depth + 1 : depth);
    }
    visit(node["items"], depth);
    visit(node["anyOf"], depth);
  };
  visit(schema, 0);
  return properties <= _limits.properties && deepest <= _limits.depth && enumValues <= _limits.enumValues;
}

/** A `pattern` strict mode cannot compile, or a `format` it does not know. */
function _isUnsupportedString(key: string, value: unknown): boolean {
  if (key === "pattern") return typeof value === "string" && _unsupportedRegex.test(value);
  return key === "format" && typeof value === "string" && !_supportedFormats.has(value);
}
