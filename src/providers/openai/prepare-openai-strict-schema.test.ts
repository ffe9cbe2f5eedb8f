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
    ["oneOf", { type: "object", properties: { a: { oneOf: [{ type: "string" }, { type: "number" }] } } }],
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

  it("gives up on zod records and discriminated unions", () => {
    expect(
      prepareOpenAIStrictSchema(z.toJSONSchema(z.object({ r: z.record(z.string(), z.number()) }))),
    ).toBeUndefined();
    const union = z.discriminatedUnion("k", [z.object({ k: z.literal("a") }), z.object({ k: z.literal("b") })]);
    expect(prepareOpenAIStrictSchema(z.toJSONSchema(z.object({ u: union })))).toBeUndefined();
  });
});
