/**
 * What OpenAI refuses in a JSON schema: in strict mode (`text.format` or
 * `response_format.json_schema` with `strict: true`, function tools with
 * `strict: true`, which the Responses API assumes when `strict` is left out)
 * the subset of Structured Outputs; a function's parameters must describe an
 * object in any mode.
 *
 * Strict mode (OpenAI's "Supported schemas" page, and the keywords the openai
 * SDK 6.49 `lib/transform.ts` refuses before sending): the root is an object,
 * not `anyOf`; every object sets `additionalProperties: false` and lists every
 * property in `required`; `allOf`, `not`, `if`/`then`/`else`,
 * `dependentRequired`, `dependentSchemas`, `patternProperties`,
 * `propertyNames`, `unevaluated*`, `minProperties`/`maxProperties`,
 * `uniqueItems`, `contains`, `prefixItems` are not permitted; a `pattern` may
 * not use lookaround or backreferences. Refused with `400
 * invalid_request_error`: "Invalid schema for response_format 'x': In
 * context=('properties', 'y'), 'allOf' is not permitted." (`function 'x'` for
 * tools); lookaround: "Invalid JSON schema: regex lookaround is not
 * supported. Found at $.properties.y.pattern." (as the real API answered in
 * public bug reports, 2025-2026).
 *
 * @see https://platform.openai.com/docs/guides/structured-outputs#supported-schemas
 */
import { isObject, type JsonObject } from "./json-shape.js";
import type { ProviderFailure } from "./provider-routes.js";
import { childSchemas, declaredTypes } from "./schema-nodes.js";

const notPermitted = [
  "allOf",
  "not",
  "if",
  "then",
  "else",
  "dependentRequired",
  "dependentSchemas",
  "patternProperties",
  "propertyNames",
  "unevaluatedProperties",
  "unevaluatedItems",
  "minProperties",
  "maxProperties",
  "uniqueItems",
  "contains",
  "minContains",
  "maxContains",
  "prefixItems",
];

/** Lookaround `(?=`, `(?!`, `(?<=`, `(?<!`, and backreferences `\1`, `\k<name>`. */
const unsupportedRegex = /\(\?<?[=!]|\\[1-9]|\\k</;

/** Which schema is checked, for the message and the error's `param`. */
export interface StrictSchemaSite {
  /** `response_format 'output'` or `function 'get_weather'`. */
  readonly label: string;
  readonly param: string;
  readonly code: string;
}

/** The refusal of a strict-mode schema, or undefined when OpenAI takes it. */
export function checkOpenAIStrictSchema(schema: JsonObject, site: StrictSchemaSite): ProviderFailure | undefined {
  return checkOpenAIObjectRoot(schema, site) ?? _check(schema, [], site);
}

/** The refusal of a schema whose root is not an object (any mode for function parameters). */
export function checkOpenAIObjectRoot(schema: JsonObject, site: StrictSchemaSite): ProviderFailure | undefined {
  if (schema.type === "object" && schema.anyOf === undefined) return undefined;
  const got = typeof schema.type === "string" ? schema.type : "None";
  return _failure(
    site,
    `Invalid schema for ${site.label}: schema must be a JSON Schema of 'type: "object"', got 'type: "${got}"'.`,
  );
}

// --- internal ---

function _check(node: JsonObject, path: readonly string[], site: StrictSchemaSite): ProviderFailure | undefined {
  const context = _context(path);
  const keyword = notPermitted.find((name) => node[name] !== undefined);
  if (keyword)
    return _failure(site, `Invalid schema for ${site.label}: In context=${context}, '${keyword}' is not permitted.`);
  if (typeof node.pattern === "string" && unsupportedRegex.test(node.pattern)) {
    const at = ["$", ...path, "pattern"].join(".");
    return _failure(site, `Invalid JSON schema: regex lookaround is not supported. Found at ${at}.`);
  }
  if (declaredTypes(node).includes("object") || isObject(node.properties)) {
    if (node.additionalProperties !== false) {
      return _failure(
        site,
        `Invalid schema for ${site.label}: In context=${context}, 'additionalProperties' is required to be supplied and to be false.`,
      );
    }
    const required = Array.isArray(node.required) ? node.required : [];
    const missing = Object.keys(isObject(node.properties) ? node.properties : {}).find(
      (key) => !required.includes(key),
    );
    if (missing !== undefined) {
      return _failure(
        site,
        `Invalid schema for ${site.label}: In context=${context}, 'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`,
      );
    }
  }
  for (const child of childSchemas(node)) {
    const problem = _check(child.schema, [...path, ...child.path], site);
    if (problem) return problem;
  }
  return undefined;
}

/** The path as the Python tuple the API prints: `()`, `('items',)`, `('properties', 'a')`. */
function _context(path: readonly string[]): string {
  const parts = path.map((segment) => (/^\d+$/.test(segment) ? segment : `'${segment}'`));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(", ")})`;
}

function _failure(site: StrictSchemaSite, message: string): ProviderFailure {
  return { status: 400, message, param: site.param, code: site.code };
}
