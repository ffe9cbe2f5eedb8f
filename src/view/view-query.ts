/**
 * What the viewer's API reads from a request's query: the calls filter (the
 * same words and checks as `pllm calls` flags), a call's identity, and whole
 * numbers. A malformed value is an `InputError`, which the API answers with 400.
 */
import { UsageError } from "../cli/cli-error.js";
import { callFilterArgs, callFilterOf } from "../cli/workspace-args.js";
import { InputError } from "../core/errors.js";
import type { CallKey } from "../store/store.js";
import type { CallFilter } from "../store/workspace-reader.js";

/** A request's query parameters (the first value of each). */
export type Query = Readonly<Record<string, string | undefined>>;

/** Parameters that name a call. */
export const callKeyParameters = ["id", "agent", "hash", "occurrence"] as const;

/** The parameters of the calls filter, as `pllm calls` names its flags. */
export const callFilterParameters = Object.keys(callFilterArgs);

/**
 * The query of a request to `path`, refusing a parameter it does not take: a misspelt
 * filter in a shared link would otherwise show every call as if it were the filtered few.
 */
export function queryOf(path: string, query: Query, takes: readonly string[]): Query {
  const unknown = Object.keys(query).filter((name) => !takes.includes(name));
  if (unknown.length > 0) {
    throw new InputError(
      `${path} does not take ${unknown.map((name) => JSON.stringify(name)).join(", ")}; ${
        takes.length === 0 ? "it takes no parameters" : `it takes ${takes.join(", ")}`
      }.`,
    );
  }
  return query;
}

/** The calls filter of `query` (`agent`, `provider`, `model`, `status`, `session`, `search`). */
export function callFilterOfQuery(query: Query): CallFilter {
  const picked = Object.fromEntries(callFilterParameters.map((name) => [name, query[name]]));
  try {
    return callFilterOf(picked);
  } catch (error) {
    // The flags' words (`--status takes …`) name the query parameter of the same name.
    if (error instanceof UsageError) throw new InputError(error.message.replace(/--(\w+)/g, "$1"), { cause: error });
    throw error;
  }
}

/** The call `query` names: `id=<call id>`, or `agent`, `hash` and `occurrence`. */
export function callIdOfQuery(query: Query): number | CallKey {
  if (query.id !== undefined) return wholeNumberOf(query.id, "id", 1);
  const { agent, hash, occurrence } = query;
  if (agent === undefined || hash === undefined || occurrence === undefined) {
    throw new InputError("Name the call by id=<call id>, or by agent=, hash= and occurrence= together.");
  }
  return { agent, hash, occurrence: wholeNumberOf(occurrence, "occurrence", 0) };
}

/** A whole number of at least `min` from a query parameter. */
export function wholeNumberOf(text: string, name: string, min: number): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isSafeInteger(value) || value < min) {
    throw new InputError(`${name} takes a whole number of at least ${min}; got ${JSON.stringify(text)}.`);
  }
  return value;
}
