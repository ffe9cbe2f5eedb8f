/**
 * Recursion in a JSON schema: a local `$ref` that leads back to a schema it
 * is inside of (`$ref: "#"`, or a `$defs` entry that refers to itself).
 * Providers differ on it: Anthropic refuses any, Gemini one that only runs
 * through required properties, OpenAI's strict mode takes it.
 */
import type { JsonSchema } from "../../core/llm.js";
import type { SchemaStep } from "./schema-path.js";

/** One step of the walk: the schema it leaves and the keyword (and entry) it takes. */
export interface RecursionStep {
  readonly from: JsonSchema;
  readonly step: SchemaStep;
}

/**
 * The path from the root to the first `$ref` that closes a cycle, or undefined.
 * `allowed(cycle)` spares a cycle (the steps from the referenced schema back to
 * the `$ref`).
 */
export function findSchemaRecursion(
  root: JsonSchema,
  allowed: (cycle: readonly RecursionStep[]) => boolean = () => false,
): readonly SchemaStep[] | undefined {
  const visit = (
    node: unknown,
    steps: readonly RecursionStep[],
    entered: ReadonlyMap<string, number>,
  ): readonly SchemaStep[] | undefined => {
    if (!_isSchema(node)) return undefined;
    const ref = node["$ref"];
    if (typeof ref === "string") {
      const at = entered.get(ref);
      if (at !== undefined) return allowed(steps.slice(at)) ? undefined : steps.map((entry) => entry.step);
      const target = _resolve(root, ref);
      const found = target && visit(target, steps, new Map([...entered, [ref, steps.length]]));
      if (found) return found;
    }
    for (const [keyword, value] of Object.entries(node)) {
      if (_listKeywords.has(keyword) && Array.isArray(value)) {
        for (const [index, entry] of value.entries()) {
          const found = visit(entry, [...steps, { from: node, step: [keyword, String(index)] }], entered);
          if (found) return found;
        }
      } else if (_mapKeywords.has(keyword) && _isSchema(value)) {
        for (const [name, entry] of Object.entries(value)) {
          const found = visit(entry, [...steps, { from: node, step: [keyword, name] }], entered);
          if (found) return found;
        }
      } else if (_singleKeywords.has(keyword)) {
        const found = visit(value, [...steps, { from: node, step: [keyword] }], entered);
        if (found) return found;
      }
    }
    return undefined;
  };
  return visit(root, [], new Map([["#", 0]]));
}

// --- internal ---

// Subschemas are walked where they are used: `$defs` only through a `$ref`.
const _singleKeywords = new Set([
  "items",
  "additionalProperties",
  "not",
  "if",
  "then",
  "else",
  "contains",
  "propertyNames",
]);
const _listKeywords = new Set(["anyOf", "oneOf", "allOf", "prefixItems"]);
const _mapKeywords = new Set(["properties", "patternProperties", "dependentSchemas"]);

function _isSchema(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function _resolve(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith("#")) return undefined;
  let node: unknown = root;
  for (const segment of ref.slice(1).split("/")) {
    if (segment !== "") node = _isSchema(node) ? node[decodeURIComponent(segment)] : undefined;
  }
  return _isSchema(node) ? node : undefined;
}
