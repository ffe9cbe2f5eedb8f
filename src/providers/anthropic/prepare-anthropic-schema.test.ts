import { describe, expect, it } from "vitest";
import { z } from "zod";
import { isSchemaRefusal } from "../shared/schema-refusal.js";
import { prepareAnthropicSchema, toAnthropicOutputSchema } from "./prepare-anthropic-schema.js";

const jsonOf = (schema: z.ZodType) => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12" });
  return rest;
};

describe("prepareAnthropicSchema", () => {
  it("moves the constraints Anthropic refuses into the description, as the official SDK does", () => {
    const prepared = toAnthropicOutputSchema(
      jsonOf(
        z.object({
          margin: z.number().int().min(1).max(30),
          id: z.number().int(),
          name: z.string().min(2).describe("The name"),
          code: z.string().regex(/^[A-Z]{3}$/),
          when: z.iso.date(),
          tags: z.array(z.string()).min(2).max(4),
          level: z.number().int().default(3),
        }),
      ),
    );
    expect(prepared["properties"]).toEqual({
      margin: { type: "integer", description: "{minimum: 1, maximum: 30}" },
      id: { type: "integer" },
      name: { type: "string", description: "The name\n\n{minLength: 2}" },
      code: { type: "string", description: '{pattern: "^[A-Z]{3}$"}' },
      when: { type: "string", format: "date", description: expect.stringMatching(/^\{pattern: /) },
      tags: { type: "array", items: { type: "string" }, description: "{minItems: 2, maxItems: 4}" },
      level: { type: "integer", description: "{default: 3}" },
    });
    expect(prepared["additionalProperties"]).toBe(false);
  });

  it("keeps unions, literals, nullables and closes every object", () => {
    const prepared = toAnthropicOutputSchema(
      jsonOf(
        z.object({
          shape: z.discriminatedUnion("kind", [
            z.object({ kind: z.literal("a"), size: z.number() }),
            z.object({ kind: z.literal("b") }),
          ]),
          note: z.string().nullable(),
          nickname: z.string().optional(),
        }),
      ),
    );
    expect(prepared).toEqual({
      type: "object",
      properties: {
        shape: {
          anyOf: [
            {
              type: "object",
              properties: { kind: { const: "a" }, size: { type: "number" } },
              required: ["kind", "size"],
              additionalProperties: false,
            },
            { type: "object", properties: { kind: { const: "b" } }, required: ["kind"], additionalProperties: false },
          ],
        },
        note: { type: ["string", "null"] },
        nickname: { type: "string" },
      },
      required: ["shape", "note"],
      additionalProperties: false,
    });
  });

  it("refuses records, free-form objects, recursion and untyped values, saying where and what to do", () => {
    type Node = { name: string; children: Node[] };
    const Node: z.ZodType<Node> = z.object({
      name: z.string(),
      get children() {
        return z.array(Node);
      },
    });
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        jsonOf(z.object({ scores: z.record(z.string(), z.number()) })),
        /at "scores" it is an object without declared properties/,
      ],
      [
        { type: "object", properties: { meta: { type: "object" } } },
        /at "meta" it is an object without declared properties/,
      ],
      [jsonOf(Node), /at "children\[\]" it refers back to a schema it is part of/],
      [jsonOf(z.object({ any: z.unknown() })), /at "any" it takes any value/],
    ];
    for (const [schema, message] of cases) {
      const prepared = prepareAnthropicSchema(schema);
      expect(isSchemaRefusal(prepared)).toBe(true);
      expect(() => toAnthropicOutputSchema(schema)).toThrow(message);
    }
  });

  it("prepares definitions under $defs and draft-07 definitions alike", () => {
    for (const keyword of ["$defs", "definitions"]) {
      const prepared = toAnthropicOutputSchema({
        type: "object",
        properties: { a: { $ref: `#/${keyword}/A` } },
        [keyword]: { A: { type: "integer", minimum: 2 } },
      });
      expect(prepared[keyword]).toEqual({ A: { type: "integer", description: "{minimum: 2}" } });
    }
  });

  it("prepares each schema object once, and never changes it", () => {
    const schema = jsonOf(z.object({ n: z.number().int().min(1) }));
    const copy = structuredClone(schema);
    expect(prepareAnthropicSchema(schema)).toBe(prepareAnthropicSchema(schema));
    expect(schema).toEqual(copy);
  });
});
