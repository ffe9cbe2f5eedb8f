/**
 * Userdata values as JSON text: plain JSON plus Dates, binary, Maps, Sets,
 * bigints, the numbers JSON cannot write (NaN, ±Infinity, -0) and response
 * handles (saved by identity, hydrated from the store on load). A value that
 * would load back as something else (a class instance, a RegExp) is refused.
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
      // JSON would write these as null (NaN, ±Infinity, undefined in an array) or 0 (-0).
      if (typeof original === "number" && (!Number.isFinite(original) || Object.is(original, -0))) {
        return { [tag]: "number", value: Object.is(original, -0) ? "-0" : String(original) };
      }
      if (original === undefined && (name === "" || Array.isArray(this))) return { [tag]: "undefined" };
      if (original instanceof Date) return { [tag]: "date", value: original.toISOString() };
      if (Buffer.isBuffer(original)) return { [tag]: "buffer", value: original.toString("base64") };
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
      if (ArrayBuffer.isView(original) || original instanceof ArrayBuffer) {
        throw new InputError(
          `save("${key}") got a ${original.constructor.name} at "${name}", which would load as something else; save it as bytes (new Uint8Array(value.buffer)) or as an array (Array.from(value)).`,
        );
      }
      // Anything else JSON would keep as something else (a class instance, an object with toJSON()).
      const problem = jsonProblem(original);
      if (problem !== undefined) {
        throw new InputError(
          `save("${key}") cannot keep the value at "${name}" as it is: ${problem}. Save plain data (objects, arrays, strings, numbers, booleans, null, Dates, bytes, Maps, Sets, bigints, response handles).`,
        );
      }
      if (typeof original === "object" && original !== null && !Array.isArray(original) && tag in original) {
        // An object of the user's with our tag's name as a key: saved as its entries, so it never loads as something else.
        return { [tag]: "object", value: Object.entries(original) };
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
      case "number":
        return Number(value);
      case "undefined":
        return undefined;
      case "object":
        return Object.fromEntries(value as [string, unknown][]);
      case "buffer":
        return Buffer.from(value as string, "base64");
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
