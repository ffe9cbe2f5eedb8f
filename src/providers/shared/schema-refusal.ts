/**
 * A schema a provider cannot take at all, and the one place such schemas are
 * refused: an `InputError` at `ask`, saying where and what to do, before
 * anything is sent or collected for a batch.
 */
import { InputError } from "../../core/errors.js";
import type { JsonSchema } from "../../core/llm.js";
import { describeSchemaPath, type SchemaStep } from "./schema-path.js";

/** Why a provider refuses a schema: where, what it cannot take there, and what to do. */
export interface SchemaRefusal {
  readonly refused: true;
  readonly path: readonly SchemaStep[];
  /** Completes "… at <where>": e.g. `is recursive, and Anthropic's structured output takes no recursive schema`. */
  readonly reason: string;
  /** What to do instead, one sentence. */
  readonly advice: string;
}

/** True for a refusal (as opposed to a prepared schema). */
export function isSchemaRefusal(value: unknown): value is SchemaRefusal {
  return typeof value === "object" && value !== null && (value as { refused?: unknown }).refused === true;
}

/**
 * The same preparation for the same schema object, done once: a request's schema
 * is the run's frozen copy (core copies it again when the user's object changes),
 * so one object is asked with thousands of times and never changes under its key.
 */
export function memoisePerSchema<T>(prepare: (schema: JsonSchema) => T): (schema: JsonSchema) => T {
  const prepared = new WeakMap<JsonSchema, T>();
  return (schema) => {
    if (prepared.has(schema)) return prepared.get(schema) as T;
    const result = prepare(schema);
    prepared.set(schema, result);
    return result;
  };
}

/** Throws the `InputError` for `refusal`; `what` names the schema ("The schema", `Tool "x" parameters`). */
export function throwSchemaRefusal(what: string, refusal: SchemaRefusal): never {
  throw new InputError(
    `${what} cannot be sent: at ${describeSchemaPath(refusal.path)} it ${refusal.reason}. ${refusal.advice} Nothing was sent.`,
  );
}
