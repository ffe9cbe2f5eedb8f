/**
 * Options objects checked against one table of rules per options type: an
 * unknown key is refused (with "did you mean"), since plain JavaScript would
 * otherwise ignore a typo such as `stratgy: "batch"`; a value of the wrong
 * type is refused naming what it must be.
 */
import { closestName } from "./closest-name.js";
import { InputError } from "./errors.js";

/** What an option must be, and the test. A test may throw its own `InputError` (nested options do). */
export type OptionRule = readonly [what: string, fits: (value: unknown) => boolean];

/** One rule for every key of `Options`: an option added to the type without a rule does not compile. */
export type OptionRules<Options> = { readonly [Key in keyof Options]-?: OptionRule };

/** An options type: its rules and how errors name it. */
export interface OptionsKind {
  /** How errors name the object: "ask options", "`retry`". */
  readonly where: string;
  /** Put before a key in errors about its value: "retry." gives `retry.maxAttempts`. */
  readonly prefix: string;
  readonly rules: ReadonlyMap<string, OptionRule>;
  /** Objects already checked: an options object shared by many calls is checked once. */
  readonly checked: WeakSet<object>;
}

/**
 * Define an options type. With `home`, errors about one of its keys passed
 * somewhere else say where it belongs ("it is set per ask (...)").
 */
export function defineOptions<Options>(
  where: string,
  rules: OptionRules<Options>,
  settings: { readonly prefix?: string; readonly home?: string } = {},
): OptionsKind {
  const entries = Object.entries(rules) as [string, OptionRule][];
  if (settings.home !== undefined) {
    for (const [key] of entries) if (!_homes.has(key)) _homes.set(key, settings.home);
  }
  return { where, prefix: settings.prefix ?? "", rules: new Map(entries), checked: new WeakSet() };
}

/** How errors name one object: as its kind does, or (for entries of a map, an agent's defaults) more precisely. */
export interface OptionsPlace {
  readonly where: string;
  readonly prefix: string;
}

/**
 * @throws InputError when `options` is not an object, has a key its kind does
 * not know, or a value its rule refuses. An object that passed is not checked again.
 */
export function checkOptions(options: unknown, kind: OptionsKind, place: OptionsPlace = kind): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new InputError(`Expected ${place.where} to be an object, got ${describeValue(options)}.`);
  }
  if (kind.checked.has(options)) return;
  for (const name in options) {
    const rule = kind.rules.get(name);
    if (rule === undefined) throw unknownOption(name, kind.rules.keys(), place.where);
    const value: unknown = (options as Record<string, unknown>)[name];
    if (value !== undefined && !rule[1](value)) {
      throw new InputError(`Expected \`${place.prefix}${name}\` to be ${rule[0]}, got ${describeValue(value)}.`);
    }
  }
  kind.checked.add(options);
}

/** A rule for an object of another options kind (`retry: { ... }`). */
export function nestedOptions(kind: OptionsKind): (value: unknown) => boolean {
  return (value) => {
    checkOptions(value, kind);
    return true;
  };
}

/** The error for a key of `where` that is none of `knownNames`: where it belongs, or what was meant. */
export function unknownOption(name: string, knownNames: Iterable<string>, where: string): InputError {
  const home = _homes.get(name);
  if (home !== undefined) return new InputError(`\`${name}\` cannot be set in ${where}: it is ${home}.`);
  const known = [...knownNames];
  const guess = closestName(name, known);
  return new InputError(
    guess === undefined
      ? `Unknown option \`${name}\` in ${where}. Known options: ${known.join(", ")}.`
      : `Unknown option \`${name}\` in ${where}; did you mean \`${guess}\`?`,
  );
}

/** A value as error messages show it: `0` (number), "8" (string), an object. */
export function describeValue(value: unknown): string {
  if (value === null) return "`null`";
  if (typeof value === "string") return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}" (string)`;
  if (typeof value === "function") return "a function";
  if (typeof value === "object") return Array.isArray(value) ? "an array" : "an object";
  return `\`${String(value)}\` (${typeof value})`;
}

export const isString = (value: unknown): boolean => typeof value === "string";
export const isBoolean = (value: unknown): boolean => typeof value === "boolean";
export const isFunction = (value: unknown): boolean => typeof value === "function";
export const isObject = (value: unknown): boolean => typeof value === "object" && value !== null;

/** A rule test: a whole number from `minimum` up. */
export function wholeFrom(minimum: number): (value: unknown) => boolean {
  return (value) => Number.isSafeInteger(value) && (value as number) >= minimum;
}

/** A rule test: a finite number from `minimum` up. */
export function numberFrom(minimum: number): (value: unknown) => boolean {
  return (value) => Number.isFinite(value) && (value as number) >= minimum;
}

/** A rule test: one of `choices`. */
export function oneOf(choices: readonly unknown[]): (value: unknown) => boolean {
  return (value) => choices.includes(value);
}

// --- internal ---

/** Where each key of an options kind with a `home` belongs, for keys passed elsewhere. */
const _homes = new Map<string, string>();
