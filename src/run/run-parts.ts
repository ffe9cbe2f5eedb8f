/** The parts of a run that options choose: strategy, prices, call defaults. */
import { readFileSync } from "node:fs";
import type { CallDefaults } from "../core/call-options.js";
import { callDefaultKeys } from "../core/check-ask-options.js";
import { InputError } from "../core/errors.js";
import type { ParallellmOptions } from "../parallellm-options.js";
import type { ModelPrice } from "../providers/model-prices.js";
import type { Store } from "../store/store.js";
import { createAsyncStrategy } from "../strategies/async-strategy.js";
import { BatchStrategy } from "../strategies/batch-strategy.js";
import { DryRunStrategy } from "../strategies/dry-run-strategy.js";
import { HybridStrategy } from "../strategies/hybrid-strategy.js";
import type { Strategy } from "../strategies/strategy.js";
import { createSyncStrategy } from "../strategies/sync-strategy.js";
import { checkPrices } from "./check-open-options.js";

/** The strategy `options` name; its `limits` shared with the store's other workers when the store can. */
export function createStrategy(options: ParallellmOptions, store: Store): Strategy {
  const { maxConcurrency, retry, limits } = options;
  const sharedWindows = store.takeFromWindows?.bind(store);
  switch (options.strategy ?? "async") {
    case "sync":
      return createSyncStrategy({ retry, limits, sharedWindows });
    case "batch":
      return new BatchStrategy({ maxConcurrency, retry, limits, sharedWindows });
    case "hybrid":
      return new HybridStrategy({ minSize: options.batch?.minSize, maxConcurrency, retry, limits, sharedWindows });
    case "dry-run":
      return new DryRunStrategy();
    default:
      return createAsyncStrategy({ maxConcurrency, retry, limits, sharedWindows });
  }
}

export function loadPrices(path: string | undefined): Record<string, ModelPrice> {
  if (!path) return {};
  let prices: unknown;
  try {
    prices = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new InputError(
      `Cannot read prices from ${path}: ${(error as Error).message}. It must be JSON like {"my-model": {"input": 0.5, "output": 1.5}} (USD per million tokens).`,
      { cause: error },
    );
  }
  checkPrices(prices, "pricesFile");
  return prices;
}

/** The options of a run that are defaults for every ask (each key listed once, in `callDefaultKeys`). */
export function pickDefaults(options: ParallellmOptions): CallDefaults {
  const defaults: Record<string, unknown> = {};
  for (const key of callDefaultKeys) if (options[key] !== undefined) defaults[key] = options[key];
  return defaults as CallDefaults;
}
