/**
 * Gemini's OpenAPI-subset `Schema` (uppercase `OBJECT`, `STRING`, `nullable`,
 * int64 counts as strings) converted to the JSON Schema the sampler reads.
 */
import type { JsonSchema } from "../../core/llm.js";
import { isObject } from "./json-shape.js";

const countFields = new Set(["minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties"]);
const numberFields = new Set(["minimum", "maximum"]);

/** The JSON Schema equivalent of a Gemini `Schema`. */
export function geminiSchemaToJsonSchema(schema: unknown): JsonSchema {
  if (!isObject(schema)) return {};
  const converted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "type" && typeof value === "string") {
      if (value !== "TYPE_UNSPECIFIED") converted.type = value.toLowerCase();
    } else if (key === "properties" && isObject(value)) {
      converted.properties = Object.fromEntries(
        Object.entries(value).map(([name, property]) => [name, geminiSchemaToJsonSchema(property)]),
      );
    } else if (key === "items") {
      converted.items = geminiSchemaToJsonSchema(value);
    } else if (key === "anyOf" && Array.isArray(value)) {
      converted.anyOf = value.map(geminiSchemaToJsonSchema);
    } else if ((countFields.has(key) || numberFields.has(key)) && value !== null) {
      converted[key] = Number(value);
    } else if (key !== "nullable" && key !== "propertyOrdering") {
      converted[key] = value;
    }
  }
  if (schema.nullable === true && typeof converted.type === "string") converted.type = [converted.type, "null"];
  return converted;
}
