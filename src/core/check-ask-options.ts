/**
 * The options of an ask, checked before anything is hashed or sent: a value
 * of the wrong type is refused with an `InputError` naming the option, rather
 * than failing somewhere deeper or reaching a provider as is.
 */
import { InputError } from "./errors.js";
import type { AskOptions } from "./prepare-call.js";

/** @throws InputError for the first option whose value cannot be right. */
export function checkAskOptions(options: AskOptions): void {
  // Agent and run defaults are the same object for every ask: check each object once.
  if (_checked.has(options)) return;
  for (const name in options) {
    const rule = _rulesByName.get(name);
    const value: unknown = options[name as keyof AskOptions];
    if (rule && value !== undefined && !rule[1](value)) {
      throw new InputError(`Expected \`${name}\` to be ${rule[0]}, got ${_describe(value)}.`);
    }
  }
  _checked.add(options);
}

// --- internal ---

const _checked = new WeakSet<object>();

const _hashParts: readonly unknown[] = ["instructions", "documents", "llm", "schema", "tools", "options"];
const _toolChoices: readonly unknown[] = ["auto", "required", "none"];

const _isString = (value: unknown) => typeof value === "string";
const _isObject = (value: unknown) => typeof value === "object" && value !== null;
const _isBoolean = (value: unknown) => typeof value === "boolean";

/** One rule per option: its name, what it must be, and the test. */
const _rules: readonly (readonly [keyof AskOptions, string, (value: unknown) => boolean])[] = [
  ["instructions", "a string", _isString],
  ["salt", "a string", _isString],
  ["schemaName", "a string", _isString],
  ["temperature", "a finite number", Number.isFinite],
  ["topP", "a finite number", Number.isFinite],
  ["maxTokens", "a whole number from 1 up", (value) => Number.isSafeInteger(value) && (value as number) >= 1],
  ["seed", "a whole number", Number.isSafeInteger],
  ["stop", "an array of strings", (value) => Array.isArray(value) && value.every(_isString)],
  [
    "hashBy",
    `an array of ${_hashParts.map((part) => `"${part}"`).join(", ")}`,
    (value) => Array.isArray(value) && value.every((part) => _hashParts.includes(part)),
  ],
  ["ignoreCache", "true or false", _isBoolean],
  ["rewriteCache", "true or false", _isBoolean],
  ["providerOptions", "an object", _isObject],
  ["tools", "an object or an array", _isObject],
  ["schema", "a zod schema or a JSON Schema object", _isObject],
  [
    "toolChoice",
    '"auto", "required", "none" or { name: "<tool>" }',
    (value) => _toolChoices.includes(value) || (_isObject(value) && _isString((value as { name?: unknown }).name)),
  ],
];

const _rulesByName = new Map(_rules.map(([name, what, fits]) => [name as string, [what, fits] as const]));

function _describe(value: unknown): string {
  if (value === null) return "`null`";
  if (typeof value === "string") return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}" (string)`;
  if (typeof value === "object" && value !== null) return Array.isArray(value) ? "an array" : "an object";
  return `\`${String(value)}\` (${typeof value})`;
}
