/**
 * Walking a JSON Schema the way the providers' schema checks do: every
 * subschema with the path that leads to it, local `$ref`s, declared types.
 */
import type { JsonObject } from "./json-shape.js";
import { isObject } from "./json-shape.js";

/** Keywords whose value is one subschema. */
const singleSchemaKeywords = [
  "items",
  "additionalProperties",
  "not",
  "if",
  "then",
  "else",
  "contains",
  "propertyNames",
];
/** Keywords whose value is a list of subschemas. */
const listSchemaKeywords = ["anyOf", "oneOf", "allOf", "prefixItems"];
/** Keywords whose value maps names to subschemas. */
const mapSchemaKeywords = ["properties", "$defs", "definitions", "patternProperties", "dependentSchemas"];

/** The subschemas directly inside `node`, each with the path segments that lead to it. */
export function childSchemas(node: JsonObject): { readonly path: readonly string[]; readonly schema: JsonObject }[] {
  const children: { path: readonly string[]; schema: JsonObject }[] = [];
  for (const keyword of singleSchemaKeywords) {
    if (isObject(node[keyword])) children.push({ path: [keyword], schema: node[keyword] });
  }
  for (const keyword of listSchemaKeywords) {
    const list = node[keyword];
    if (!Array.isArray(list)) continue;
    for (const [index, schema] of list.entries()) {
      if (isObject(schema)) children.push({ path: [keyword, String(index)], schema });
    }
  }
  for (const keyword of mapSchemaKeywords) {
    const map = node[keyword];
    if (!isObject(map)) continue;
    for (const [name, schema] of Object.entries(map)) {
      if (isObject(schema)) children.push({ path: [keyword, name], schema });
    }
  }
  return children;
}

/** The schema a local `$ref` (`#`, `#/$defs/Name`, `#/definitions/Name`) points at; undefined when it points nowhere. */
export function resolveLocalRef(root: JsonObject, ref: string): JsonObject | undefined {
  if (!ref.startsWith("#")) return undefined;
  let node: unknown = root;
  for (const segment of ref.slice(1).split("/")) {
    if (segment === "") continue;
    node = isObject(node) ? node[decodeURIComponent(segment).replace(/~1/g, "/").replace(/~0/g, "~")] : undefined;
  }
  return isObject(node) ? node : undefined;
}

/** The types a node declares (`type: "string"` or `type: ["string", "null"]`). */
export function declaredTypes(node: JsonObject): readonly string[] {
  const type = node.type;
  if (typeof type === "string") return [type];
  return Array.isArray(type) ? type.filter((entry): entry is string => typeof entry === "string") : [];
}

/**
 * The first `$ref` cycle reachable from the root, as the ref that closes it;
 * `allowed(steps)` tells which cycles (the steps from the referenced schema
 * back to the `$ref`) may stay (Gemini: those through a property that is not required).
 */
export function findRefCycle(
  root: JsonObject,
  allowed: (steps: readonly PathStep[]) => boolean = () => false,
): string | undefined {
  const _visit = (
    node: JsonObject,
    steps: readonly PathStep[],
    active: ReadonlyMap<string, number>,
  ): string | undefined => {
    const ref = node.$ref;
    if (typeof ref === "string") {
      const enteredAt = active.get(ref);
      if (enteredAt !== undefined) return allowed(steps.slice(enteredAt)) ? undefined : ref;
      const target = resolveLocalRef(root, ref);
      const found = target && _visit(target, steps, new Map([...active, [ref, steps.length]]));
      if (found) return found;
    }
    for (const child of childSchemas(node)) {
      // Definitions are visited where they are used, not where they are declared.
      if (child.path[0] === "$defs" || child.path[0] === "definitions") continue;
      const found = _visit(child.schema, [...steps, { parent: node, path: child.path }], active);
      if (found) return found;
    }
    return undefined;
  };
  return _visit(root, [], new Map([["#", 0]]));
}

/** One step down a schema: the node and the keyword path taken from it. */
export interface PathStep {
  readonly parent: JsonObject;
  readonly path: readonly string[];
}
