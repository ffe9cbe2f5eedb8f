/**
 * A deterministic value that satisfies a JSON schema, derived from a seed.
 * Used by the offline providers to answer structured-output requests.
 */
import { createHash } from "node:crypto";
import type { JsonSchema } from "../core/llm.js";

/** Pick deterministically: the same seed and path always give the same value. */
function pick(seed: string, path: string, modulo: number): number {
  const digest = createHash("sha256").update(seed).update("\0").update(path).digest();
  return digest.readUInt32BE(0) % Math.max(1, modulo);
}

const words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet"];

function resolveRef(root: JsonSchema, ref: string): JsonSchema {
  // Only local refs ("#/$defs/Name", "#/definitions/Name") occur in generated schemas.
  let node: unknown = root;
  for (const segment of ref.replace(/^#\/?/, "").split("/")) {
    if (!segment) continue;
    node = (node as Record<string, unknown> | undefined)?.[decodeURIComponent(segment)];
  }
  return (node ?? {}) as JsonSchema;
}

function typeOf(schema: JsonSchema): string | undefined {
  const type = schema["type"];
  if (Array.isArray(type)) return type.find((t) => t !== "null") ?? type[0];
  if (typeof type === "string") return type;
  if (schema["properties"]) return "object";
  if (schema["items"]) return "array";
  return undefined;
}

function sample(root: JsonSchema, schema: JsonSchema, seed: string, path: string, depth: number): unknown {
  // Not a schema object (`true`, or an invalid schema a test sends on purpose): any value fits; never throw.
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return null;
  if (typeof schema["$ref"] === "string") return sample(root, resolveRef(root, schema["$ref"]), seed, path, depth + 1);
  if ("const" in schema) return schema["const"];
  const choices = (schema["enum"] as unknown[] | undefined) ?? undefined;
  if (choices && choices.length > 0) return choices[pick(seed, path, choices.length)];
  const alternatives = (schema["anyOf"] ?? schema["oneOf"]) as JsonSchema[] | undefined;
  if (Array.isArray(alternatives) && alternatives.length > 0) {
    const usable = alternatives.filter((alternative) => alternative["type"] !== "null");
    const from = usable.length > 0 ? usable : alternatives;
    return sample(root, from[pick(seed, path, from.length)], seed, `${path}|`, depth + 1);
  }
  if (Array.isArray(schema["allOf"]) && schema["allOf"].length > 0) {
    const merged = Object.assign({}, ...(schema["allOf"] as JsonSchema[]));
    return sample(root, merged, seed, path, depth + 1);
  }
  switch (typeOf(schema)) {
    case "object": {
      const properties = (schema["properties"] ?? {}) as Record<string, JsonSchema>;
      const out: Record<string, unknown> = {};
      for (const [key, propertySchema] of Object.entries(properties)) {
        out[key] = depth > 12 ? null : sample(root, propertySchema, seed, `${path}.${key}`, depth + 1);
      }
      return out;
    }
    case "array": {
      const items = (schema["items"] ?? {}) as JsonSchema;
      const min = Number(schema["minItems"] ?? 1);
      const max = Number(schema["maxItems"] ?? Math.max(min, 3));
      const length = depth > 12 ? 0 : min + pick(seed, `${path}#len`, Math.max(1, max - min + 1));
      return Array.from({ length }, (_, index) => sample(root, items, seed, `${path}[${index}]`, depth + 1));
    }
    case "string": {
      const format = schema["format"];
      if (format === "date-time") return "2026-01-01T00:00:00Z";
      if (format === "date") return "2026-01-01";
      if (format === "email") return `${words[pick(seed, path, words.length)]}@example.com`;
      if (format === "uri" || format === "url") return `https://example.com/${words[pick(seed, path, words.length)]}`;
      const minLength = Number(schema["minLength"] ?? 0);
      let text = `${words[pick(seed, path, words.length)]}-${pick(seed, `${path}#n`, 1000)}`;
      while (text.length < minLength) text += "x";
      const maxLength = schema["maxLength"];
      return typeof maxLength === "number" ? text.slice(0, maxLength) : text;
    }
    case "integer":
    case "number": {
      const minimum = Number(schema["minimum"] ?? schema["exclusiveMinimum"] ?? 0);
      const maximum = Number(schema["maximum"] ?? schema["exclusiveMaximum"] ?? minimum + 100);
      const span = Math.max(1, Math.floor(maximum - minimum));
      let value = Math.ceil(minimum) + pick(seed, path, span);
      if (schema["exclusiveMinimum"] !== undefined && value <= minimum) value = Math.floor(minimum) + 1;
      return value;
    }
    case "boolean":
      return pick(seed, path, 2) === 1;
    case "null":
      return null;
    default:
      return words[pick(seed, path, words.length)];
  }
}

/** A value satisfying `schema`, the same for the same `seed`. */
export function sampleJsonSchema(schema: JsonSchema, seed: string): unknown {
  return sample(schema, schema, seed, "$", 0);
}
