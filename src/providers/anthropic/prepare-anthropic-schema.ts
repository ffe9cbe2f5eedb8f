/**
 * The JSON schema of a structured-output request (`output_config.format`) as
 * Anthropic takes it. Anthropic compiles the schema into a grammar, which
 * takes a subset of JSON Schema (its structured-outputs page, "JSON Schema
 * limitations", and refusals of the real API quoted in public bug reports):
 *
 * - taken: `type` (also lists), `enum` and `const` of primitives, `anyOf`,
 *   `allOf`, local `$ref`/`$defs`, `properties`, `required`, `description`,
 *   `title`, `items`, `minItems` of 0 or 1, and string `format` date-time,
 *   time, date, duration, email, hostname, uri, ipv4, ipv6, uuid;
 * - every object must say `additionalProperties: false`;
 * - refused with `400 invalid_request_error`: numeric bounds and
 *   `multipleOf`, `minLength`/`maxLength`, `maxItems`, other `minItems`
 *   ("output_config.format.schema: For 'integer' type, property 'minimum' is
 *   not supported", "… properties maximum, minimum are not supported", "For
 *   'array' type, 'minItems' values other than 0 or 1 are not supported", "For
 *   'object' type, 'additionalProperties' must be explicitly set to false");
 * - not supported at all: recursive schemas, objects without declared
 *   properties (free-form JSON, records).
 *
 * As the official SDK's transform does (`@anthropic-ai/sdk` 1.14,
 * `lib/transform-json-schema`, used by its `zodOutputFormat`), every keyword
 * outside the subset moves into the description (`{minimum: 1, maximum: 30}`),
 * so the model still reads it, and parallellm still validates the answer
 * against the full schema. Unlike the SDK, a schema whose meaning cannot be
 * kept (a record, a recursive schema, a value without a type) is refused,
 * since the SDK's closed empty object would only ever allow `{}`. Tools are
 * sent without `strict`, and then take any JSON Schema: they are not changed.
 *
 * @see https://platform.claude.com/docs/en/build-with-claude/structured-outputs#json-schema-limitations
 */
import type { JsonSchema } from "../../core/llm.js";
import { describeConstraints } from "../shared/describe-constraints.js";
import { findSchemaRecursion } from "../shared/find-schema-recursion.js";
import type { SchemaStep } from "../shared/schema-path.js";
import { isSchemaRefusal, memoisePerSchema, type SchemaRefusal, throwSchemaRefusal } from "../shared/schema-refusal.js";

/** The schema Anthropic takes for `schema`, or why it cannot take it (memoised per schema object). */
export const prepareAnthropicSchema: (schema: JsonSchema) => JsonSchema | SchemaRefusal = memoisePerSchema((schema) => {
  const recursion = findSchemaRecursion(schema);
  if (recursion) {
    return _refusal(
      recursion,
      "refers back to a schema it is part of (a recursive schema), and Anthropic's structured output takes no recursion",
      "Unroll the recursion to a fixed depth, or ask a model of a provider that takes it (OpenAI).",
    );
  }
  return _prepare(schema, []);
});

/** The schema Anthropic takes for `schema`; throws an `InputError` when it cannot take it. */
export function toAnthropicOutputSchema(schema: JsonSchema): JsonSchema {
  const prepared = prepareAnthropicSchema(schema);
  return isSchemaRefusal(prepared) ? throwSchemaRefusal("The schema", prepared) : prepared;
}

// --- internal ---

const _supportedFormats = new Set([
  "date-time",
  "time",
  "date",
  "duration",
  "email",
  "hostname",
  "uri",
  "ipv4",
  "ipv6",
  "uuid",
]);

function _prepare(node: unknown, path: readonly SchemaStep[]): JsonSchema | SchemaRefusal {
  if (typeof node !== "object" || node === null || Array.isArray(node)) return _untyped(path);
  // What is not taken out below is described.
  const rest: Record<string, unknown> = { ...(node as JsonSchema) };
  const take = (key: string): unknown => {
    const value = rest[key];
    delete rest[key];
    return value;
  };
  const out: Record<string, unknown> = {};
  delete rest["$schema"];

  for (const keyword of ["$defs", "definitions"]) {
    const defs = take(keyword);
    if (typeof defs !== "object" || defs === null) continue;
    const prepared = _prepareEach(defs as Record<string, unknown>, path, keyword);
    if (isSchemaRefusal(prepared)) return prepared;
    out[keyword] = prepared;
  }
  const ref = take("$ref");
  if (typeof ref === "string") return { ...out, $ref: ref };

  const enumValues = rest["enum"];
  if (Array.isArray(enumValues) && enumValues.length > 0 && enumValues.every(_isPrimitive)) out["enum"] = take("enum");
  if (rest["const"] !== undefined && _isPrimitive(rest["const"])) out["const"] = take("const");
  const hasLiterals = "enum" in out || "const" in out;
  let type = take("type");
  if (type === undefined && typeof rest["properties"] === "object") type = "object";
  const types = Array.isArray(type) ? type : [type];

  for (const keyword of ["anyOf", "oneOf", "allOf"]) {
    const variants = take(keyword);
    if (!Array.isArray(variants)) continue;
    const prepared: unknown[] = [];
    for (const [index, variant] of variants.entries()) {
      const result = _prepare(variant, [...path, [keyword, String(index)]]);
      if (isSchemaRefusal(result)) return result;
      prepared.push(result);
    }
    // `oneOf` is not in the subset; for zod's discriminated unions `anyOf` means the same.
    out[keyword === "allOf" ? "allOf" : "anyOf"] = prepared;
  }
  if (!hasLiterals && type !== undefined) out["type"] = type;
  if (!hasLiterals && type === undefined && !("anyOf" in out) && !("allOf" in out)) return _untyped(path);
  for (const annotation of ["title", "description"]) {
    if (typeof rest[annotation] === "string") out[annotation] = take(annotation);
  }

  if (types.includes("object")) {
    const properties = take("properties");
    const additional = take("additionalProperties");
    const entries = typeof properties === "object" && properties !== null ? properties : {};
    if (Object.keys(entries).length === 0 && additional !== false) {
      return _refusal(
        path,
        "is an object without declared properties (a record, or free-form JSON), and Anthropic's structured output takes only objects whose properties are all declared",
        "Declare its properties with z.object({ ... }), or use an array of { key, value } objects.",
      );
    }
    const prepared = _prepareEach(entries as Record<string, unknown>, path, "properties");
    if (isSchemaRefusal(prepared)) return prepared;
    out["properties"] = prepared;
    // An object with declared properties and open extras only narrows: the answer still fits.
    out["additionalProperties"] = false;
    delete rest["propertyNames"];
    if (Array.isArray(rest["required"])) out["required"] = take("required");
  }
  if (types.includes("string") && typeof rest["format"] === "string" && _supportedFormats.has(rest["format"])) {
    out["format"] = take("format");
  }
  if (types.includes("array")) {
    const items = take("items");
    if (items !== undefined) {
      const prepared = _prepare(items, [...path, ["items"]]);
      if (isSchemaRefusal(prepared)) return prepared;
      out["items"] = prepared;
    }
    if (rest["minItems"] === 0 || rest["minItems"] === 1) out["minItems"] = take("minItems");
  }
  if (types.includes("integer")) {
    // zod writes every `int()` with the safe-integer bounds: they say nothing a model needs.
    if (rest["minimum"] === Number.MIN_SAFE_INTEGER) delete rest["minimum"];
    if (rest["maximum"] === Number.MAX_SAFE_INTEGER) delete rest["maximum"];
  }
  const description = describeConstraints(out["description"], rest);
  if (description !== undefined) out["description"] = description;
  return out;
}

function _prepareEach(
  entries: Record<string, unknown>,
  path: readonly SchemaStep[],
  keyword: string,
): Record<string, unknown> | SchemaRefusal {
  const prepared: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(entries)) {
    const result = _prepare(entry, [...path, [keyword, name]]);
    if (isSchemaRefusal(result)) return result;
    prepared[name] = result;
  }
  return prepared;
}

function _untyped(path: readonly SchemaStep[]): SchemaRefusal {
  return _refusal(
    path,
    "takes any value (it has no type, as z.any() and z.unknown() give), and Anthropic's structured output needs a type for every value",
    "Give it a type (z.string(), z.number(), z.object({ ... }) ...).",
  );
}

function _refusal(path: readonly SchemaStep[], reason: string, advice: string): SchemaRefusal {
  return { refused: true, path, reason, advice };
}

function _isPrimitive(value: unknown): boolean {
  return value === null || typeof value !== "object";
}
