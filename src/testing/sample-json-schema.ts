/**
 * A deterministic value that satisfies a JSON schema, derived from a seed.
 * Used by the offline providers to answer structured-output requests. Like a
 * model, it also follows constraints stated in a description in the form the
 * providers' SDKs write them when the API cannot take them as keywords
 * (`"A score\n\n{minimum: 1, maximum: 30}"`).
 */
import { createHash } from "node:crypto";
import type { JsonSchema } from "../core/llm.js";
import { sampleRegex } from "./sample-regex.js";

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

/**
 * The `{keyword: JSON, ...}` block that ends a description, as an object; `{}`
 * when there is none or it cannot be read.
 */
function describedConstraints(description: unknown): Record<string, unknown> {
  if (typeof description !== "string" || !description.endsWith("}")) return {};
  const start = description.startsWith("{") ? 0 : description.lastIndexOf("\n\n{") + 2;
  if (start === 1) return {};
  const block = description.slice(start);
  const constraints: Record<string, unknown> = {};
  let position = 1;
  while (position < block.length - 1) {
    const key = /^([A-Za-z$][\w$]*): /.exec(block.slice(position));
    if (!key) return {};
    position += key[0].length;
    const end = jsonValueEnd(block, position);
    try {
      constraints[key[1]] = JSON.parse(block.slice(position, end));
    } catch {
      return {};
    }
    position = end + (block.startsWith(", ", end) ? 2 : 0);
  }
  return constraints;
}

/** Where the JSON value starting at `start` ends: the first `,` or `}` outside strings and brackets. */
function jsonValueEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const character = text[index];
    if (inString) {
      if (character === "\\") index++;
      else if (character === '"') inString = false;
    } else if (character === '"') inString = true;
    else if (character === "[" || character === "{") depth++;
    else if (character === "]" || character === "}") {
      if (depth === 0) return index;
      depth--;
    } else if (character === "," && depth === 0) return index;
  }
  return text.length;
}

function sample(root: JsonSchema, given: JsonSchema, seed: string, path: string, depth: number): unknown {
  // Not a schema object (`true`, or an invalid schema a test sends on purpose): any value fits; never throw.
  if (typeof given !== "object" || given === null || Array.isArray(given)) return null;
  const described = describedConstraints(given["description"]);
  const schema: JsonSchema = Object.keys(described).length === 0 ? given : { ...described, ...given };
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
      const required = Array.isArray(schema["required"]) ? schema["required"] : undefined;
      const out: Record<string, unknown> = {};
      for (const [key, propertySchema] of Object.entries(properties)) {
        // Deep down, optional properties are left out: that is where a recursive schema ends.
        if (depth > 4 && required && !required.includes(key)) continue;
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
      const pattern = schema["pattern"];
      if (typeof pattern === "string") {
        let choices = 0;
        const matching = sampleRegex(pattern, (count, attempt) =>
          pick(seed, `${path}#re${attempt}.${choices++}`, count),
        );
        if (matching !== undefined) return matching;
      }
      const format = schema["format"];
      if (format === "date-time") return "2026-01-01T00:00:00Z";
      if (format === "date") return "2026-01-01";
      if (format === "time") return "12:00:00";
      if (format === "uuid") return "123e4567-e89b-42d3-a456-426614174000";
      if (format === "email") return `${words[pick(seed, path, words.length)]}@example.com`;
      if (format === "uri" || format === "url") return `https://example.com/${words[pick(seed, path, words.length)]}`;
      const minLength = Number(schema["minLength"] ?? 0);
      let text = `${words[pick(seed, path, words.length)]}-${pick(seed, `${path}#n`, 1000)}`;
      while (text.length < minLength) text += "x";
      const maxLength = schema["maxLength"];
      return typeof maxLength === "number" ? text.slice(0, maxLength) : text;
    }
    case "integer":
    case "number":
      return sampleNumber(schema, seed, path);
    case "boolean":
      return pick(seed, path, 2) === 1;
    case "null":
      return null;
    default:
      return words[pick(seed, path, words.length)];
  }
}

/** A number within the schema's bounds (inclusive or exclusive) and a multiple of its `multipleOf`. */
function sampleNumber(schema: JsonSchema, seed: string, path: string): number {
  const step = typeof schema["multipleOf"] === "number" ? schema["multipleOf"] : 1;
  const low = schema["minimum"] ?? schema["exclusiveMinimum"];
  const high = schema["maximum"] ?? schema["exclusiveMaximum"];
  const minimum = typeof low === "number" ? low : typeof high === "number" ? Math.min(0, high - 100) : 0;
  const maximum = typeof high === "number" ? high : minimum + 100;
  // The multiples of `step` inside the range, ends excluded where the schema says so.
  let first = Math.ceil(minimum / step);
  let last = Math.floor(maximum / step);
  if (schema["exclusiveMinimum"] !== undefined && first * step <= minimum) first++;
  if (schema["exclusiveMaximum"] !== undefined && last * step >= maximum) last--;
  if (last < first) return (minimum + maximum) / 2;
  return (first + pick(seed, path, last - first + 1)) * step;
}

/** A value satisfying `schema`, the same for the same `seed`. */
export function sampleJsonSchema(schema: JsonSchema, seed: string): unknown {
  return sample(schema, schema, seed, "$", 0);
}
