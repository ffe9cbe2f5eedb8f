/**
 * Prepare a JSON schema for OpenAI's strict structured output, where every
 * object must list all its properties in `required` and set
 * `additionalProperties: false`, and only a subset of JSON Schema is allowed.
 *
 * Every change made here only narrows the schema (an optional property becomes
 * required, an object without `additionalProperties` is closed), so whatever
 * the model returns under the strict schema still satisfies the original one.
 * Schemas that cannot be narrowed that way — open objects (records, free-form
 * `{ type: "object" }`), or keywords strict mode rejects (`oneOf`, `allOf`,
 * `not`, `patternProperties`, ...) — return `undefined`; the caller then sends
 * the original schema with `strict: false`.
 *
 * @see https://platform.openai.com/docs/guides/structured-outputs#supported-schemas
 */
import type { JsonSchema } from "../../core/llm.js";
import { isRecord } from "./json-record.js";

/** A strict-ready copy of `schema`, or `undefined` when it cannot be made strict. */
export function prepareOpenAIStrictSchema(schema: JsonSchema): JsonSchema | undefined {
  // Strict mode wants an object at the root, not a union or a scalar.
  if (!_isObjectSchema(schema)) return undefined;
  const prepared = _prepare(schema);
  return prepared === _notStrict ? undefined : (prepared as JsonSchema);
}

// --- internal ---

const _notStrict = Symbol("not strict");

/** Keywords strict mode rejects and that cannot be dropped without widening the schema. */
const _unsupported = [
  "allOf",
  "oneOf",
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
  "minProperties",
  "maxProperties",
  "prefixItems",
  "contains",
];

/** Annotations strict mode rejects; dropping them does not change what validates. */
const _droppedAnnotations = new Set(["default"]);

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
  for (const [key, value] of Object.entries(node)) {
    if (_droppedAnnotations.has(key)) continue;
    let prepared: unknown = value;
    if (key === "properties" || key === "$defs" || key === "definitions") {
      prepared = isRecord(value) ? _prepareEach(value) : _notStrict;
    } else if (key === "items") {
      prepared = _prepare(value);
    } else if (key === "anyOf") {
      prepared = Array.isArray(value) ? _prepareAll(value) : _notStrict;
    } else if (key === "additionalProperties") {
      prepared = value === false ? false : _notStrict;
    }
    if (prepared === _notStrict) return _notStrict;
    out[key] = prepared;
  }
  if (_isObjectSchema(node)) {
    const properties = isRecord(node["properties"]) ? node["properties"] : {};
    // An object without properties is closed only if it says so; otherwise it is free-form.
    if (Object.keys(properties).length === 0 && node["additionalProperties"] !== false) return _notStrict;
    out["required"] = Object.keys(properties);
    out["additionalProperties"] = false;
  }
  return out;
}
