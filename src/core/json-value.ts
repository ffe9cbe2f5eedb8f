/**
 * Values that reach a provider as JSON (object documents, tool outputs,
 * `providerOptions`, JSON Schemas) must arrive as the user gave them, and be
 * hashed as they are sent. `JSON.stringify` silently turns a Map or a Set into
 * `{}`, a class instance into its own fields, `NaN` into `null`, and drops
 * functions: such values are refused instead, naming where they are.
 */
import { InputError } from "./errors.js";

/**
 * @throws InputError naming `where` and the path inside the value
 * (`documents[1].items[3]: a Map cannot be sent as JSON; ...`) for the first
 * part of `value` that JSON would not carry faithfully. A valid Date is sent
 * as its ISO text; `undefined` members of objects are left out, as in any JSON.
 */
export function checkJsonValue(value: unknown, where: string): void {
  // Documents are checked on every ask, replays included: a quick pass first, the
  // path (and cycles) only when something may be wrong.
  if (_clean(value, 0)) return;
  const path: (string | number)[] = [];
  const problem = _walk(value, path, []);
  if (problem !== undefined) throw new InputError(`${where}${_formatPath(path)}: ${problem}.`);
}

/**
 * Why one value (not what it holds) cannot be sent as JSON, or `undefined`
 * when it can: a string, a boolean, `null`, a finite number, an array, a
 * plain object, a valid Date. `undefined` passes: whether it may stand where
 * it is depends on the place (a member is left out, an array item would become `null`).
 */
export function jsonProblem(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
    case "undefined":
      return undefined;
    case "number":
      return Number.isFinite(value)
        ? undefined
        : `${value} cannot be sent as JSON (it would become null); pass null or a string`;
    case "bigint":
      return "a bigint cannot be sent as JSON; convert it (String(value), or Number(value) if it is small enough)";
    case "function":
      return "a function cannot be sent as JSON (it would be left out); leave it out, or pass what it returns";
    case "symbol":
      return "a symbol cannot be sent as JSON (it would be left out); pass a string";
  }
  if (value === null || Array.isArray(value)) return undefined;
  return _objectProblem(value as object);
}

/** What an array item `undefined` (or a hole) would become, said as a problem. */
export const undefinedItemProblem = "undefined in an array would be sent as null; pass null or leave the item out";

// --- internal ---

function _objectProblem(value: object): string | undefined {
  const prototype = Object.getPrototypeOf(value);
  // Object.prototype of this realm or another one (its own prototype is null), or no prototype at all.
  const plain = prototype === null || Object.getPrototypeOf(prototype) === null;
  if (!plain) {
    if (value instanceof Date) {
      return Number.isNaN(value.getTime())
        ? "an invalid Date cannot be sent as JSON (it would become null)"
        : undefined;
    }
    if (value instanceof Map) {
      return "a Map cannot be sent as JSON; convert it (Object.fromEntries(map)) or pass an array";
    }
    if (value instanceof Set) return "a Set cannot be sent as JSON; pass an array ([...set])";
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      return "bytes cannot be sent inside JSON; pass them as image(bytes, mediaType) or file(bytes, mediaType), or as base64 text";
    }
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
    return "an object with toJSON() would be sent as what toJSON() returns, not as itself; pass that (value.toJSON()) instead";
  }
  if (plain) return undefined;
  const name = (prototype as { constructor?: { name?: unknown } }).constructor?.name;
  const what = typeof name === "string" && name !== "" ? `an instance of ${name}` : "an object with a prototype";
  return `${what} cannot be sent as JSON as it is (only its own fields would be, methods and private fields lost); pass a plain object ({ ...value }) or the fields you mean`;
}

/** True when nothing in `value` is a problem; false when something may be (or it nests too deep to tell). */
function _clean(value: unknown, depth: number): boolean {
  if (typeof value !== "object" || value === null) return jsonProblem(value) === undefined;
  if (depth > _quickDepth) return false;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      if (item === undefined || !_clean(item, depth + 1)) return false;
    }
    return true;
  }
  if (_objectProblem(value) !== undefined) return false;
  if (value instanceof Date) return true;
  for (const key in value) {
    const member: unknown = (value as Record<string, unknown>)[key];
    if (member !== undefined && !_clean(member, depth + 1)) return false;
  }
  return true;
}

/** Deeper than this, the quick pass leaves it to the careful one, which finds cycles. */
const _quickDepth = 64;

/** The problem of `value` or of anything inside it, leaving its path in `path`. */
function _walk(value: unknown, path: (string | number)[], ancestors: object[]): string | undefined {
  const problem = jsonProblem(value);
  if (problem !== undefined || typeof value !== "object" || value === null || value instanceof Date) return problem;
  if (ancestors.includes(value)) return "this object contains itself (a cycle), which JSON cannot express";
  ancestors.push(value);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      path.push(index);
      const item: unknown = value[index];
      const itemProblem = item === undefined ? undefinedItemProblem : _walk(item, path, ancestors);
      if (itemProblem !== undefined) return itemProblem;
      path.pop();
    }
  } else {
    for (const key in value) {
      const member: unknown = (value as Record<string, unknown>)[key];
      if (member === undefined) continue;
      path.push(key);
      const memberProblem = _walk(member, path, ancestors);
      if (memberProblem !== undefined) return memberProblem;
      path.pop();
    }
  }
  ancestors.pop();
  return undefined;
}

function _formatPath(path: readonly (string | number)[]): string {
  let text = "";
  for (const step of path) {
    text +=
      typeof step === "number"
        ? `[${step}]`
        : /^[A-Za-z_$][\w$]*$/.test(step)
          ? `.${step}`
          : `[${JSON.stringify(step)}]`;
  }
  return text;
}
