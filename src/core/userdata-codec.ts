/**
 * Userdata values as JSON text: plain JSON plus Dates, binary, Maps, Sets and
 * response handles (saved by identity, hydrated from the store on load).
 */
import { InputError } from "./errors.js";
import { jsonProblem } from "./json-value.js";
import { ResponseHandle } from "./response-handle.js";

const tag = "$pllm";

export interface ResponseReference {
  readonly agent: string;
  readonly hash: string;
  readonly occurrence: number;
  readonly seq: number;
}

export function encodeUserdata(key: string, value: unknown): string {
  try {
    return JSON.stringify(value, function replace(this: Record<string, unknown>, name: string, member: unknown) {
      const original = this[name];
      if (original instanceof Date) return { [tag]: "date", value: original.toISOString() };
      if (original instanceof Uint8Array) return { [tag]: "bytes", value: Buffer.from(original).toString("base64") };
      if (original instanceof Map) return { [tag]: "map", value: [...original.entries()] };
      if (original instanceof Set) return { [tag]: "set", value: [...original.values()] };
      if (original instanceof ResponseHandle) {
        const reference: ResponseReference = {
          agent: original.agent,
          hash: original.hash,
          occurrence: original.occurrence,
          seq: original.seq,
        };
        return { [tag]: "response", value: reference };
      }
      if (typeof member === "bigint") return { [tag]: "bigint", value: member.toString() };
      if (typeof member === "function" || typeof member === "symbol") {
        throw new InputError(`save("${key}") got a ${typeof member} at "${name}"; only data can be saved.`);
      }
      // What JSON would keep as something else would load as something else: refuse it.
      if (member === undefined && Array.isArray(this)) {
        throw new InputError(
          `save("${key}") got undefined in an array at "${name}"; it would load as null. Save null.`,
        );
      }
      const problem = jsonProblem(original);
      if (problem !== undefined) {
        throw new InputError(`save("${key}") cannot keep the value at "${name}" as it is: ${problem}.`);
      }
      if (typeof original === "object" && original !== null && tag in original) {
        throw new InputError(
          `save("${key}") got an object with a "${tag}" key at "${name}", which marks parallellm's own values; rename that key.`,
        );
      }
      return member;
    });
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`save("${key}") cannot serialise its value: ${(error as Error).message}`, { cause: error });
  }
}

export function decodeUserdata(json: string, hydrate: (reference: ResponseReference) => ResponseHandle): unknown {
  return JSON.parse(json, (_name, member: unknown) => {
    if (member === null || typeof member !== "object" || !(tag in member)) return member;
    const { [tag]: kind, value } = member as { [tag]: string; value: unknown };
    switch (kind) {
      case "date":
        return new Date(value as string);
      case "bytes":
        return new Uint8Array(Buffer.from(value as string, "base64"));
      case "map":
        return new Map(value as [unknown, unknown][]);
      case "set":
        return new Set(value as unknown[]);
      case "bigint":
        return BigInt(value as string);
      case "response":
        return hydrate(value as ResponseReference);
      default:
        return member;
    }
  });
}
