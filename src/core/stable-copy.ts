/**
 * Options an ask takes by reference (a JSON Schema, tools, `providerOptions`,
 * `stop`, an `llm` identity...) stay the user's, who may change them between
 * asks. What is hashed and sent is a frozen copy; the next ask with the same
 * object checks it still equals its copy and copies it again if it changed, so
 * a changed schema never goes out under the hash (or the provider check) of the
 * old one, and nothing the user does later changes a request already made.
 */
import { InputError } from "./errors.js";

/** One per run: the frozen copy of each option object, kept while the object stays equal to it. */
export class StableCopies {
  readonly #copies = new WeakMap<object, unknown>();

  /**
   * `value` as it is now, frozen: the same copy as for the last ask while `value`
   * has not changed. Primitives, and objects that are not plain data (a zod schema,
   * which cannot change; a Map, refused where it is written), are returned as they are.
   */
  of<T>(value: T): T {
    if (!isCopied(value)) return value;
    const known = this.#copies.get(value);
    if (known !== undefined && sameData(value, known)) return known as T;
    const copy = copyData(value, 0);
    this.#copies.set(value, copy);
    return copy as T;
  }
}

/** True when `value` still equals `copy` (made by `StableCopies.of`), member by member. */
export function sameData(value: unknown, copy: unknown): boolean {
  if (Object.is(value, copy)) return true;
  if (!isCopied(value) || typeof copy !== "object" || copy === null) return false;
  if (Array.isArray(value)) {
    if (!Array.isArray(copy) || copy.length !== value.length) return false;
    for (let index = 0; index < value.length; index++) if (!sameData(value[index], copy[index])) return false;
    return true;
  }
  if (value instanceof Date) return copy instanceof Date && copy.getTime() === value.getTime();
  if (Array.isArray(copy) || copy instanceof Date) return false;
  const record = value as Record<string, unknown>;
  const copied = copy as Record<string, unknown>;
  // Counted in both directions without Object.keys: this runs on every ask with such an option.
  let count = 0;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    if (!Object.hasOwn(copied, key) || !sameData(record[key], copied[key])) return false;
    count++;
  }
  for (const _key in copied) count--;
  return count === 0;
}

/** Deeper than any schema or option anyone writes; a cycle gets here instead of overflowing the stack. */
const maximumDepth = 200;

function copyData(value: unknown, depth: number): unknown {
  if (!isCopied(value)) return value;
  if (depth > maximumDepth) {
    throw new InputError(
      `An option of this ask is nested more than ${maximumDepth} levels deep (does it contain itself?); pass plain JSON data.`,
    );
  }
  if (value instanceof Date) return Object.freeze(new Date(value.getTime()));
  if (Array.isArray(value)) return Object.freeze(value.map((item) => copyData(item, depth + 1)));
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // Defined rather than assigned: a member named "__proto__" (JSON.parse makes them) stays a member.
    Object.defineProperty(copy, key, {
      value: copyData((value as Record<string, unknown>)[key], depth + 1),
      enumerable: true,
    });
  }
  return Object.freeze(copy);
}

/** Arrays, plain objects and Dates: data a user can change in place. */
function isCopied(value: unknown): value is object {
  if (typeof value !== "object" || value === null) return false;
  if (Array.isArray(value) || value instanceof Date) return true;
  const prototype = Object.getPrototypeOf(value);
  // Object.prototype of this realm or another one (its own prototype is null), or no prototype at all.
  return prototype === null || Object.getPrototypeOf(prototype) === null;
}
