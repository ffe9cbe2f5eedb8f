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

const knownOptions = new Set(["prices", "pricesFile"]);

/** Opens the workspace in `directory` read-only: no lock, no session, no network. */
export async function inspectWorkspace(directory: string, options: InspectOptions = {}): Promise<WorkspaceReader> {
  checkWorkspaceDirectory(directory);
  if (options === null || typeof options !== "object") {
    throw new InputError(`Parallellm.inspect(directory, options) takes an options object, got ${String(options)}.`);
  }
  const unknown = Object.keys(options).filter((name) => !knownOptions.has(name));
  if (unknown.length > 0) {
    throw new InputError(
      `Parallellm.inspect does not take ${unknown.map((name) => `"${name}"`).join(", ")}; it takes prices and pricesFile.`,
    );
  }
  if (options.prices !== undefined) checkPrices(options.prices, "prices");
  return openSqliteReader(directory, { ...loadPrices(options.pricesFile), ...options.prices });
}
