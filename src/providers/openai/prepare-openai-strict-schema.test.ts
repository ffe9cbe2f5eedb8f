import { describe, expect, it } from "vitest";
import { z } from "zod";
import { prepareOpenAIStrictSchema } from "./prepare-openai-strict-schema.js";

describe("prepareOpenAIStrictSchema", () => {
  it("leaves an already strict schema as it is", () => {
    const schema = {
      type: "object",
      properties: { city: { type: "string" }, units: { type: "string", enum: ["c", "f"] } },
      required: ["city", "units"],
      additionalProperties: false,
    };
    expect(prepareOpenAIStrictSchema(schema)).toEqual(schema);
  });

  it("requires every property and closes every object, nested ones included", () => {
    expect(
      prepareOpenAIStrictSchema({
        type: "object",
        properties: {
          name: { type: "string", default: "x" },
          tags: { type: "array", items: { type: "object", properties: { label: { type: "string" } } } },
          either: { anyOf: [{ type: "string" }, { type: "object", properties: { n: { type: "integer" } } }] },
          ref: { $ref: "#/$defs/Point" },
        },
        required: ["name"],
        $defs: { Point: { type: "object", properties: { x: { type: "number" } } } },
      }),
    ).toEqual({
      type: "object",
      properties: {
        name: { type: "string" },
        tags: {
          type: "array",
          items: {
            type: "object",
            properties: { label: { type: "string" } },
            required: ["label"],
            additionalProperties: false,
          },
        },
        either: {
          anyOf: [
            { type: "string" },
            { type: "object", properties: { n: { type: "integer" } }, required: ["n"], additionalProperties: false },
          ],
        },
        ref: { $ref: "#/$defs/Point" },
      },
      required: ["name", "tags", "either", "ref"],
      additionalProperties: false,
      $defs: {
        Point: { type: "object", properties: { x: { type: "number" } }, required: ["x"], additionalProperties: false },
      },
    });
  });

  it("handles nullable objects and closed empty objects", () => {
    expect(
      prepareOpenAIStrictSchema({
        type: "object",
        properties: {
          maybe: { type: ["object", "null"], properties: { a: { type: "string" } } },
          nothing: { type: "object", properties: {}, additionalProperties: false },
        },
      }),
    ).toEqual({
      type: "object",
      properties: {
        maybe: {
          type: ["object", "null"],
          properties: { a: { type: "string" } },
          required: ["a"],
          additionalProperties: false,
        },
        nothing: { type: "object", properties: {}, required: [], additionalProperties: false },
      },
      required: ["maybe", "nothing"],
      additionalProperties: false,
    });
  });

  it.each([
    ["a non-object root", { type: "string" }],
    ["a union root", { anyOf: [{ type: "object", properties: {} }] }],
    [
      "an open record",
      { type: "object", properties: { m: { type: "object", additionalProperties: { type: "number" } } } },
    ],
    [
      "additionalProperties: true",
      { type: "object", properties: { a: { type: "string" } }, additionalProperties: true },
    ],
    ["a free-form object", { type: "object", properties: { any: { type: "object" } } }],
    ["allOf", { type: "object", properties: { a: { allOf: [{ type: "string" }] } } }],
    [
      "patternProperties",
      { type: "object", properties: {}, patternProperties: { "^x": {} }, additionalProperties: false },
    ],
    ["a boolean subschema", { type: "object", properties: { a: true } }],
    ["tuple items", { type: "object", properties: { a: { type: "array", items: [{ type: "string" }] } } }],
  ])("gives up on %s", (_name, schema) => {
    expect(prepareOpenAIStrictSchema(schema)).toBeUndefined();
  });

  it("does not change its input", () => {
    const schema = { type: "object", properties: { a: { type: "string", default: "x" } } };
    const copy = structuredClone(schema);
    prepareOpenAIStrictSchema(schema);
    expect(schema).toEqual(copy);
  });

  it("accepts what zod emits for plain objects, optional fields included", () => {
    const schema = z.toJSONSchema(
      z.object({ winner: z.string(), score: z.number().optional(), note: z.string().nullable() }),
    );
    const strict = prepareOpenAIStrictSchema(schema);
    expect(strict?.["required"]).toEqual(["winner", "score", "note"]);
    expect(strict?.["additionalProperties"]).toBe(false);
  });

  it("gives up on zod records and tuples", () => {
    for (const schema of [
      z.object({ r: z.record(z.string(), z.number()) }),
      z.object({ t: z.tuple([z.string(), z.number()]) }),
    ]) {
      expect(prepareOpenAIStrictSchema(z.toJSONSchema(schema))).toBeUndefined();
    }
  });

  it("sends zod's discriminated unions (oneOf) as anyOf, strict", () => {
    const union = z.discriminatedUnion("k", [z.object({ k: z.literal("a") }), z.object({ k: z.literal("b") })]);
    const prepared = prepareOpenAIStrictSchema(z.toJSONSchema(z.object({ u: union })));
    const u = (prepared?.["properties"] as Record<string, Record<string, unknown>> | undefined)?.["u"] ?? {};
    expect(u["oneOf"]).toBeUndefined();
    expect(u["anyOf"]).toHaveLength(2);
  });

  it("moves constraints strict mode does not take into the description, and stays strict", () => {
    const prepared = prepareOpenAIStrictSchema({
      type: "object",
      properties: {
        email: { type: "string", pattern: "^(?!\\.)[a-z.]+@x\\.com$", description: "Work address" },
        site: { type: "string", format: "uri" },
        tags: { type: "array", items: { type: "string" }, uniqueItems: true, maxItems: 3 },
        code: { type: "string", pattern: "^[A-Z]{3}$" },
      },
    });
    expect(prepared?.["properties"]).toEqual({
      email: { type: "string", description: 'Work address\n\n{pattern: "^(?!\\\\.)[a-z.]+@x\\\\.com$"}' },
      site: { type: "string", description: '{format: "uri"}' },
      tags: { type: "array", items: { type: "string" }, maxItems: 3, description: "{uniqueItems: true}" },
      code: { type: "string", pattern: "^[A-Z]{3}$" },
    });
  });

  it("gives up past strict mode's limits (here: more than 10 levels of nested objects)", () => {
    let schema: Record<string, unknown> = { type: "object", properties: { leaf: { type: "string" } } };
    for (let level = 0; level < 10; level++) schema = { type: "object", properties: { next: schema } };
    expect(prepareOpenAIStrictSchema(schema)).toBeUndefined();
    expect(prepareOpenAIStrictSchema((schema["properties"] as { next: Record<string, unknown> }).next)).toBeDefined();
  });
});
