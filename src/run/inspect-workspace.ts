/** `Parallellm.inspect`: the options it takes, checked, and the reader it opens. */

import { InputError } from "../core/errors.js";
import type { ModelPrice } from "../providers/model-prices.js";
import { openSqliteReader } from "../store/sqlite/sqlite-reader.js";
import type { WorkspaceReader } from "../store/workspace-reader.js";
import { checkPrices, checkWorkspaceDirectory } from "./check-open-options.js";
import { loadPrices } from "./run-parts.js";

export interface InspectOptions {
  /** Prices (USD per million tokens) over the built-in table, as `Parallellm.open` takes them. */
  readonly prices?: Readonly<Record<string, ModelPrice>> | undefined;
  /** A JSON file of prices in the same shape as `prices` (merged under `prices`). */
  readonly pricesFile?: string | undefined;
}

/** Opens the workspace in `directory` read-only: no lock, no session, no network. */
export async function inspectWorkspace(directory: string, options: InspectOptions = {}): Promise<WorkspaceReader> {
  checkWorkspaceDirectory(directory);
  return openSqliteReader(directory, inspectPrices("Parallellm.inspect(directory, options)", options, []));
}

/**
 * The prices `options` give, checked; refuses an option that is not one of `InspectOptions`
 * nor of `extra`. `call` names the function in messages.
 */
export function inspectPrices(
  call: string,
  options: InspectOptions,
  extra: readonly string[],
): Readonly<Record<string, ModelPrice>> {
  if (options === null || typeof options !== "object") {
    throw new InputError(`${call} takes an options object, got ${String(options)}.`);
  }
  const known = ["prices", "pricesFile", ...extra];
  const unknown = Object.keys(options).filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new InputError(
      `${call.split("(")[0]} does not take ${unknown.map((name) => `"${name}"`).join(", ")}; it takes ${known.slice(0, -1).join(", ")} and ${known.at(-1)}.`,
    );
  }
  if (options.prices !== undefined) checkPrices(options.prices, "prices");
  return { ...loadPrices(options.pricesFile), ...options.prices };
}
