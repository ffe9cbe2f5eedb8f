/**
 * What Gemini does with the JSON Schema of `responseJsonSchema` and of a
 * function's `parametersJsonSchema`. From the field's documentation
 * (`@google/genai` 2.32 `GenerateContentConfig.responseJsonSchema`): "While the
 * full JSON Schema may be sent, not all features are supported. Specifically,
 * only the following properties are supported": `$id`, `$defs`, `$ref`,
 * `$anchor`, `type`, `format`, `title`, `description`, `enum` (strings and
 * numbers), `items`, `prefixItems`, `minItems`, `maxItems`, `minimum`,
 * `maximum`, `anyOf`, `oneOf` (as `anyOf`), `properties`,
 * `additionalProperties`, `required`, and `propertyOrdering`. Other keywords
 * are accepted and ignored: the model does not see them (`pattern`,
 * `minLength`, `const`, `exclusiveMinimum`...). Refused with `400
 * INVALID_ARGUMENT`: "Cyclic references ... may only be used within
 * non-required properties", and "If `$ref` is set on a sub-schema, no other
 * properties, except for those starting as a `$`, may be set" (the API's words
 * for the latter, quoted in public bug reports: "$ref 'Name' was set alongside
 * unsupported fields. If a schema node has $ref set, then only description and
 * default can be set alongside it"). The cycle refusal's wording is the API's
 * generic one.
 *
 * @see https://ai.google.dev/gemini-api/docs/structured-output
 */
import type { JsonSchema } from "../../core/llm.js";
import { eitherCase } from "./gemini-validation.js";
import { arrayOf, isObject, type JsonObject, objectOf } from "./json-shape.js";
import type { ProviderFailure } from "./provider-routes.js";
import { childSchemas, findRefCycle, type PathStep } from "./schema-nodes.js";

const honoured = new Set([
  "$id",
  "$defs",
  "$ref",
  "$anchor",
  "type",
  "format",
  "title",
  "description",
  "enum",
  "items",
  "prefixItems",
  "minItems",
  "maxItems",
  "minimum",
  "maximum",
  "anyOf",
  "oneOf",
  "properties",
  "additionalProperties",
  "required",
  "propertyOrdering",
]);

/** The refusal of the first JSON schema of a generateContent body Gemini cannot take; undefined when it takes them. */
export function checkGeminiJsonSchemas(body: JsonObject): ProviderFailure | undefined {
  const schemas: unknown[] = [eitherCase(objectOf(eitherCase(body, "generationConfig")), "responseJsonSchema")];
  for (const tool of arrayOf(body.tools)) {
    for (const declaration of arrayOf(eitherCase(objectOf(tool), "functionDeclarations"))) {
      schemas.push(eitherCase(objectOf(declaration), "parametersJsonSchema"));
    }
  }
  for (const schema of schemas) {
    if (!isObject(schema)) continue;
    const problem = _refWithSiblings(schema);
    if (problem) return { status: 400, message: problem };
    if (findRefCycle(schema, _throughOptionalProperty)) return { status: 400 };
  }
  return undefined;
}

/** The schema as the model sees it: the keywords Gemini ignores left out, all the way down. */
export function geminiHonouredSchema(schema: JsonObject): JsonSchema {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!honoured.has(key)) continue;
    if (key === "enum" && Array.isArray(value) && !value.every((entry) => typeof entry !== "boolean")) continue;
    // Copied: the walk below replaces their subschemas.
    kept[key] = Array.isArray(value) ? [...value] : value;
  }
  for (const child of childSchemas(schema)) {
    const [keyword, name] = child.path;
    if (!honoured.has(keyword)) continue;
    const container = kept[keyword];
    if (name === undefined) kept[keyword] = geminiHonouredSchema(child.schema);
    else if (Array.isArray(container)) container[Number(name)] = geminiHonouredSchema(child.schema);
    else kept[keyword] = { ...objectOf(container), [name]: geminiHonouredSchema(child.schema) };
  }
  return kept;
}

// --- internal ---

function _refWithSiblings(node: JsonObject): string | undefined {
  if (typeof node.$ref === "string") {
    const sibling = Object.keys(node).some((key) => !key.startsWith("$") && key !== "description" && key !== "default");
    if (sibling) {
      const name = node.$ref.split("/").at(-1) || node.$ref;
      return `$ref '${name}' was set alongside unsupported fields. If a schema node has $ref set, then only description and default can be set alongside it`;
    }
  }
  for (const child of childSchemas(node)) {
    const problem = _refWithSiblings(child.schema);
    if (problem) return problem;
  }
  return undefined;
}

/** A cycle may stay when one of its steps enters a property its object does not require. */
function _throughOptionalProperty(steps: readonly PathStep[]): boolean {
  return steps.some(({ parent, path }) => {
    if (path[0] !== "properties") return false;
    return !(Array.isArray(parent.required) && parent.required.includes(path[1]));
  });
}
