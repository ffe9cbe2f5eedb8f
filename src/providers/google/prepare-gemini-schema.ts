/**
 * The JSON schema of `responseJsonSchema` and of a function's
 * `parametersJsonSchema` as Gemini takes it. From the field's documentation
 * (`@google/genai` 2.32, `GenerateContentConfig.responseJsonSchema`): "While
 * the full JSON Schema may be sent, not all features are supported.
 * Specifically, only the following properties are supported": `$id`, `$defs`,
 * `$ref`, `$anchor`, `type`, `format`, `title`, `description`, `enum` (for
 * strings and numbers), `items`, `prefixItems`, `minItems`, `maxItems`,
 * `minimum`, `maximum`, `anyOf`, `oneOf` (as `anyOf`), `properties`,
 * `additionalProperties`, `required`, and `propertyOrdering`.
 *
 * Other keywords are accepted and silently ignored, so the model would never
 * see them (`pattern`, `minLength`, `const`, `exclusiveMinimum`,
 * `multipleOf`...): here they move into the description (as the official
 * Anthropic SDK does for its subset), a `const` of a string or number becomes
 * a one-value `enum`, and parallellm still validates the answer against the
 * full schema. Refused by the API (`400 INVALID_ARGUMENT`): a `$ref` with
 * siblings other than `$…`, `description` and `default` ("$ref 'Name' was set
 * alongside unsupported fields", as public bug reports quote it) — those
 * siblings move into the description too; and recursion ("Cyclic references
 * … may only be used within non-required properties") through required
 * properties only, which is refused at ask. Draft-07 `definitions` become
 * `$defs`, the only form the list names.
 *
 * @see https://ai.google.dev/gemini-api/docs/structured-output
 */
import type { JsonSchema } from "../../core/llm.js";
import { describeConstraints } from "../shared/describe-constraints.js";
import { findSchemaRecursion, type RecursionStep } from "../shared/find-schema-recursion.js";
import { isSchemaRefusal, memoisePerSchema, type SchemaRefusal, throwSchemaRefusal } from "../shared/schema-refusal.js";

/** The schema Gemini takes for `schema`, or why it cannot take it (memoised per schema object). */
export const prepareGeminiSchema: (schema: JsonSchema) => JsonSchema | SchemaRefusal = memoisePerSchema((schema) => {
  const recursion = findSchemaRecursion(schema, _throughOptionalProperty);
  if (recursion) {
    return {
      refused: true,
      path: recursion,
      reason:
        "refers back to a schema it is part of through required properties only, and Gemini takes a recursive schema only through a property that is not required",
      advice: "Make the property that recurses optional (.optional()), or unroll the recursion to a fixed depth.",
    };
  }
  return _prepare(schema) as JsonSchema;
});

/** The schema Gemini takes for `schema`; throws an `InputError` naming `what` when it cannot take it. */
export function toGeminiJsonSchema(schema: JsonSchema, what: string): JsonSchema {
  const prepared = prepareGeminiSchema(schema);
  return isSchemaRefusal(prepared) ? throwSchemaRefusal(what, prepared) : prepared;
}

// --- internal ---

const _kept = new Set([
  "$schema",
  "$id",
  "$anchor",
  "$ref",
  "type",
  "format",
  "title",
  "description",
  "minItems",
  "maxItems",
  "minimum",
  "maximum",
  "required",
  "propertyOrdering",
]);
const _schemaMaps = new Set(["properties", "$defs", "definitions"]);
const _schemaLists = new Set(["anyOf", "oneOf", "prefixItems"]);

function _prepare(node: unknown): unknown {
  if (typeof node !== "object" || node === null || Array.isArray(node)) return node;
  const out: Record<string, unknown> = {};
  const moved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$ref" && typeof value === "string") out[key] = value.replace(/^#\/definitions\//, "#/$defs/");
    else if (_kept.has(key)) out[key] = value;
    else if (_schemaMaps.has(key) && typeof value === "object" && value !== null) {
      // Gemini knows `$defs` only; draft-07 `definitions` are moved there (and refs to them above).
      const target = key === "definitions" ? "$defs" : key;
      out[target] = Object.fromEntries(Object.entries(value).map(([name, entry]) => [name, _prepare(entry)]));
    } else if (_schemaLists.has(key) && Array.isArray(value)) out[key] = value.map(_prepare);
    else if (key === "items" || key === "additionalProperties") out[key] = _prepare(value);
    else if (key === "enum" && Array.isArray(value) && value.every(_isStringOrNumber)) out[key] = value;
    else if (key === "const" && _isStringOrNumber(value) && !("enum" in node)) out["enum"] = [value];
    else moved[key] = value;
  }
  if (typeof out["$ref"] === "string") {
    for (const key of Object.keys(out)) {
      if (key.startsWith("$") || key === "description") continue;
      moved[key] = out[key];
      delete out[key];
    }
  }
  const description = describeConstraints(out["description"], moved);
  if (description !== undefined) out["description"] = description;
  return out;
}

function _isStringOrNumber(value: unknown): boolean {
  return typeof value === "string" || typeof value === "number";
}

/** Gemini unrolls a cycle that runs through a property its object does not require. */
function _throughOptionalProperty(cycle: readonly RecursionStep[]): boolean {
  return cycle.some(({ from, step: [keyword, name] }) => {
    if (keyword !== "properties") return false;
    const required = from["required"];
    return !(Array.isArray(required) && required.includes(name));
  });
}
