/**
 * Output schemas: any Standard Schema with JSON Schema support (zod 4 is one)
 * or a plain JSON Schema object. The conversions here are plain functions: the
 * run's `IdentityCache` keeps their results, so a schema asked with many times is
 * converted once (and a plain one converted again when it has changed).
 */
import { checkOptions, defineOptions, isString } from "./check-options.js";
import { InputError } from "./errors.js";
import { checkJsonValue } from "./json-value.js";
import type { JsonSchema, OutputSchema, ToolDefinition } from "./llm.js";

type ValidationOutcome =
  | { readonly value: unknown; readonly issues?: undefined }
  | {
      readonly issues: ReadonlyArray<{
        readonly message: string;
        readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
      }>;
    };

/** The part of the Standard Schema spec parallellm uses (zod, valibot, arktype implement it). */
export interface StandardSchema<Output = unknown> {
  readonly "~standard": {
    readonly validate: (value: unknown) => ValidationOutcome | Promise<ValidationOutcome>;
    readonly types?: { readonly output: Output } | undefined;
    readonly jsonSchema?: { readonly output: (options: { target: string }) => Record<string, unknown> } | undefined;
  };
}

export type InferOutput<S> = S extends StandardSchema<infer Output> ? Output : unknown;

/** A schema as a user gives it: zod (or another Standard Schema) or a JSON Schema object. */
export type SchemaInput = StandardSchema | JsonSchema;

export interface ToolSpec {
  readonly description?: string | undefined;
  readonly parameters: SchemaInput;
}

/** Tools as a record (`{ weather: { description, parameters } }`) or a list with names. */
export type ToolsInput = { readonly [name: string]: ToolSpec } | readonly (ToolSpec & { readonly name: string })[];

export function isStandardSchema(schema: unknown): schema is StandardSchema {
  return typeof schema === "object" && schema !== null && "~standard" in schema;
}

/** JSON Schema of a schema input; `what` names it in errors. A JSON Schema object is returned as it is. */
export function toJsonSchema(schema: SchemaInput, what: string): JsonSchema {
  if (typeof schema !== "object" || schema === null) {
    throw new InputError(`${what} must be a zod schema or a JSON Schema object, got ${typeof schema}.`);
  }
  let json: JsonSchema;
  if (isStandardSchema(schema)) {
    const converter = schema["~standard"].jsonSchema;
    if (!converter) {
      throw new InputError(
        `${what} cannot be converted to JSON Schema; use zod 4 (or another Standard JSON Schema library), or pass a JSON Schema object.`,
      );
    }
    try {
      const { $schema: _ignored, ...rest } = converter.output({ target: "draft-2020-12" });
      json = rest;
    } catch (error) {
      throw new InputError(`${what} cannot be expressed as JSON Schema: ${(error as Error).message}`, { cause: error });
    }
  } else {
    const keys = ["type", "properties", "anyOf", "oneOf", "allOf", "$ref", "enum", "items"];
    if (!keys.some((key) => key in schema)) {
      throw new InputError(`${what} is neither a zod schema nor a JSON Schema (it has none of ${keys.join(", ")}).`);
    }
    checkJsonValue(schema, what);
    json = schema;
  }
  return json;
}

/** The output schema sent to providers, named for those that require a name. */
export function toOutputSchema(schema: SchemaInput, name: string | undefined): OutputSchema {
  const jsonSchema = toJsonSchema(schema, "schema");
  const title = typeof jsonSchema["title"] === "string" ? jsonSchema["title"] : undefined;
  const chosen = (name ?? title ?? "output").replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64);
  return { name: chosen, jsonSchema };
}

/** Tool definitions sent to providers. */
export function toToolDefinitions(tools: ToolsInput): ToolDefinition[] {
  const list = Array.isArray(tools)
    ? (tools as readonly (ToolSpec & { name: string })[])
    : Object.entries(tools as Record<string, ToolSpec>).map(([name, spec]) => ({ ...spec, name }));
  return list.map((tool) => {
    if (typeof tool !== "object" || tool === null) {
      throw new InputError(`Each tool must be { name, description, parameters }, got ${String(tool)}.`);
    }
    checkOptions(tool, _toolSpec, { where: `tool "${String(tool.name)}"`, prefix: `tool "${String(tool.name)}".` });
    if (typeof tool.name !== "string" || !/^[A-Za-z0-9_-]{1,64}$/.test(tool.name)) {
      throw new InputError(
        `Tool name ${JSON.stringify(tool.name)} is not allowed; providers accept 1-64 letters, digits, "_" and "-".`,
      );
    }
    return {
      name: tool.name,
      description: tool.description,
      parameters: toJsonSchema(tool.parameters, `Tool "${tool.name}" parameters`),
    };
  });
}

const _toolSpec = defineOptions<ToolSpec & { readonly name: string }>("a tool", {
  name: ["a string", isString],
  description: ["a string", isString],
  parameters: ["a zod schema or a JSON Schema object", (value) => typeof value === "object" && value !== null],
});
