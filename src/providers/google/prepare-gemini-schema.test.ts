import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isSchemaRefusal } from "../shared/schema-refusal.js";
import { prepareGeminiSchema, toGeminiJsonSchema } from "./prepare-gemini-schema.js";

describe("prepareGeminiSchema", () => {
  it("keeps what Gemini honours and describes what it would ignore", () => {
    const prepared = toGeminiJsonSchema(
      {
        type: "object",
        properties: {
          rating: { type: "integer", minimum: 1, maximum: 5 },
          code: { type: "string", pattern: "^[A-Z]{3}$", minLength: 3 },
          kind: { type: "string", const: "circle" },
          flag: { type: "boolean", const: true },
          radius: { type: "number", exclusiveMinimum: 0 },
          tags: { type: "object", propertyNames: { type: "string" }, additionalProperties: { type: "number" } },
          either: { oneOf: [{ type: "string" }, { type: "number", multipleOf: 5 }] },
        },
        required: ["rating"],
      },
      "The schema",
    );
    expect(prepared["properties"]).toEqual({
      rating: { type: "integer", minimum: 1, maximum: 5 },
      code: { type: "string", description: '{pattern: "^[A-Z]{3}$", minLength: 3}' },
      kind: { type: "string", enum: ["circle"] },
      flag: { type: "boolean", description: "{const: true}" },
      radius: { type: "number", description: "{exclusiveMinimum: 0}" },
      tags: {
        type: "object",
        additionalProperties: { type: "number" },
        description: '{propertyNames: {"type":"string"}}',
      },
      either: { oneOf: [{ type: "string" }, { type: "number", description: "{multipleOf: 5}" }] },
    });
  });

  it("leaves a $ref only what may stand beside it", () => {
    const prepared = toGeminiJsonSchema(
      { type: "object", properties: { a: { $ref: "#/$defs/A", type: "object" } }, $defs: { A: { type: "string" } } },
      "The schema",
    );
    expect(prepared["properties"]).toEqual({ a: { $ref: "#/$defs/A", description: '{type: "object"}' } });
  });

  it("moves draft-07 definitions to $defs, refs included", () => {
    const prepared = toGeminiJsonSchema(
      { type: "object", properties: { a: { $ref: "#/definitions/A" } }, definitions: { A: { type: "string" } } },
      "The schema",
    );
    expect(prepared).toEqual({
      type: "object",
      properties: { a: { $ref: "#/$defs/A" } },
      $defs: { A: { type: "string" } },
    });
  });

  it("refuses recursion through required properties only, and takes it through an optional one", () => {
    type Node = { name: string; children: Node[] };
    const Node: z.ZodType<Node> = z.object({
      name: z.string(),
      get children() {
        return z.array(Node);
      },
    });
    expect(() => toGeminiJsonSchema(z.toJSONSchema(Node), "The schema")).toThrow(
      /at "children\[\]" it refers back .* through required properties only.*\.optional\(\)/,
    );
    type Chain = { name: string; next?: Chain };
    const Chain: z.ZodType<Chain> = z.object({
      name: z.string(),
      get next() {
        return Chain.optional();
      },
    });
    expect(isSchemaRefusal(prepareGeminiSchema(z.toJSONSchema(Chain)))).toBe(false);
  });
});
