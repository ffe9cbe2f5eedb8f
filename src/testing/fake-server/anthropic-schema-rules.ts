/**
 * What Anthropic's constrained decoding refuses in a JSON schema: the schema
 * of `output_config.format` (type `json_schema`) and the `input_schema` of a
 * tool sent with `strict: true`. Tools without `strict` take any valid JSON
 * Schema (draft 2020-12) whose root is `type: "object"`.
 *
 * Refused with `400 invalid_request_error`, in these words (seen in answers of
 * the real API quoted in public bug reports, 2025-2026):
 * - `output_config.format.schema: For 'integer' type, property 'minimum' is not supported`
 *   (several at once: `For 'integer' type, properties maximum, minimum are not supported`);
 *   numeric bounds, string lengths, `maxItems`, `uniqueItems`, `minProperties`/`maxProperties`
 * - `For 'array' type, 'minItems' values other than 0 or 1 are not supported`
 * - `For 'object' type, 'additionalProperties' must be explicitly set to false`
 * - strict tools use the prefix `tools.N.custom` instead.
 * Recursive schemas are documented as not supported; the wording of that
 * refusal is ours (unverified).
 *
 * @see https://platform.claude.com/docs/en/build-with-claude/structured-outputs#json-schema-limitations
 */
import { arrayOf, isObject, type JsonObject, objectOf } from "./json-shape.js";
import type { ProviderFailure } from "./provider-routes.js";
import { childSchemas, declaredTypes, findRefCycle } from "./schema-nodes.js";

const unsupportedByType: Readonly<Record<string, readonly string[]>> = {
  integer: ["exclusiveMaximum", "exclusiveMinimum", "maximum", "minimum", "multipleOf"],
  number: ["exclusiveMaximum", "exclusiveMinimum", "maximum", "minimum", "multipleOf"],
  string: ["maxLength", "minLength"],
  array: ["maxItems", "uniqueItems"],
  object: ["maxProperties", "minProperties"],
};

/**
 * The refusal of the first schema of a Messages body (output format, then
 * tools) the API cannot take; undefined when it takes them all. Run after the
 * body's shape was checked: a Message Batches request fails alone with it.
 */
export function checkMessagesSchemas(body: JsonObject): ProviderFailure | undefined {
  const format = objectOf(objectOf(body.output_config).format);
  if (format.type === "json_schema" && isObject(format.schema)) {
    const problem = _checkStrict(format.schema, "output_config.format.schema");
    if (problem) return { status: 400, message: problem };
  }
  for (const [index, tool] of arrayOf(body.tools).entries()) {
    const entry = objectOf(tool);
    if ((entry.type !== undefined && entry.type !== null && entry.type !== "custom") || !isObject(entry.input_schema)) {
      continue;
    }
    const root = entry.input_schema.type;
    if (root !== "object") {
      const message = root === undefined ? "Field required" : "Input should be 'object'";
      return { status: 400, message: `tools.${index}.custom.input_schema.type: ${message}` };
    }
    const problem = entry.strict === true ? _checkStrict(entry.input_schema, `tools.${index}.custom`) : undefined;
    if (problem) return { status: 400, message: problem };
  }
  return undefined;
}

// --- internal ---

function _checkStrict(schema: JsonObject, where: string): string | undefined {
  if (findRefCycle(schema)) return `${where}: Recursive schemas are not supported`;
  const problem = _check(schema);
  return problem === undefined ? undefined : `${where}: ${problem}`;
}

function _check(node: JsonObject): string | undefined {
  const types = [...declaredTypes(node)];
  if (types.length === 0 && isObject(node.properties)) types.push("object");
  for (const type of types) {
    if (type === "object" && node.additionalProperties !== false) {
      return "For 'object' type, 'additionalProperties' must be explicitly set to false";
    }
    if (type === "array" && node.minItems !== undefined && node.minItems !== 0 && node.minItems !== 1) {
      return "For 'array' type, 'minItems' values other than 0 or 1 are not supported";
    }
    const unsupported = (unsupportedByType[type] ?? []).filter((keyword) => node[keyword] !== undefined);
    if (unsupported.length === 1) return `For '${type}' type, property '${unsupported[0]}' is not supported`;
    if (unsupported.length > 1) return `For '${type}' type, properties ${unsupported.join(", ")} are not supported`;
  }
  for (const child of childSchemas(node)) {
    const problem = _check(child.schema);
    if (problem) return problem;
  }
  return undefined;
}
