/**
 * The options of `Parallellm.open`, `Parallellm.run` and `pllm.forEach`,
 * checked before a workspace is touched: an unknown key anywhere in them is
 * refused with "did you mean" (plain JavaScript would ignore `stratgy:
 * "batch"` and run at full price), a value of the wrong type naming the option.
 */
import { callDefaultRules } from "../core/check-ask-options.js";
import {
  checkOptions,
  defineOptions,
  describeValue,
  isBoolean,
  isFunction,
  isObject,
  isString,
  nestedOptions,
  numberFrom,
  type OptionRule,
  type OptionRules,
  type OptionsKind,
  oneOf,
  wholeFrom,
} from "../core/check-options.js";
import { InputError } from "../core/errors.js";
import type { ProviderName } from "../core/llm.js";
import { loggerMethods, logLevels } from "../core/log.js";
import type { BatchSettings, ForEachOptions, ParallellmOptions, RunOptions } from "../parallellm-options.js";
import type { ModelPrice } from "../providers/model-prices.js";
import { parseRateLimits, type RateLimits } from "../strategies/rate-limits.js";
import type { RetryPolicy } from "../strategies/retry-policy.js";
import type { StrategyName } from "../strategies/strategy.js";
import type { TelemetryOptions } from "../telemetry/telemetry-options.js";
import { builtInProviderNames } from "./run-providers.js";

export const strategyNames: readonly StrategyName[] = ["sync", "async", "batch", "hybrid", "dry-run"];

/**
 * A workspace path must name a directory: `""` (or blank) would make the
 * current directory a workspace.
 */
export function checkWorkspaceDirectory(directory: unknown): asserts directory is string {
  if (typeof directory !== "string" || directory.trim() === "") {
    throw new InputError(
      `The workspace directory must be a path such as ".pllm/my-pipeline", got ${JSON.stringify(directory) ?? String(directory)}; an empty path would make the current directory a workspace.`,
    );
  }
  if (directory.trim() !== directory) {
    throw new InputError(
      `The workspace directory ${JSON.stringify(directory)} starts or ends with whitespace, which would become part of the directory's name; trim it.`,
    );
  }
}

/** @throws InputError for an unknown key or a value that cannot be right, anywhere in `options`. */
export function checkOpenOptions(options: ParallellmOptions): void {
  checkOptions(options, _openOptions);
  if (options.telemetry !== undefined && options.telemetry.tracer === undefined) {
    throw new InputError(
      '`telemetry` has no tracer, so no span could be recorded; pass telemetry: { tracer: trace.getTracer("my-pipeline") } (from @opentelemetry/api), or leave telemetry out.',
    );
  }
  if (options.store !== undefined && options.lock !== undefined) {
    throw new InputError(
      "`lock` applies to the workspace's own SQLite store, which `store` replaces: a store passed in is not locked (a PostgreSQL store is shared by many workers at once). Remove `lock`, or remove `store` to use the workspace's SQLite file.",
    );
  }
}

/** @throws InputError for an unknown key or a bad value in `Parallellm.run`'s run options. */
export function checkRunOptions(options: RunOptions): void {
  checkOptions(options, _runOptions);
}

/** @throws InputError for an unknown key or a bad value in `pllm.forEach`'s options. */
export function checkForEachOptions(options: ForEachOptions): void {
  checkOptions(options, _forEachOptions);
}

/**
 * @throws InputError for a price table (`prices`, or what `pricesFile` holds)
 * that is not `{ "<model>": { input, output } }`; `name` names it in errors.
 */
export function checkPrices(prices: unknown, name: string): asserts prices is Record<string, ModelPrice> {
  if (!_priceTable(prices, name)) {
    throw new InputError(
      `Expected \`${name}\` to hold { "<model>": { input, output } }, got ${describeValue(prices)}.`,
    );
  }
}

// --- internal ---

const _retry = defineOptions<RetryPolicy>(
  "`retry`",
  {
    maxAttempts: ["a whole number from 1 up", wholeFrom(1)],
    initialDelayMs: ["a number from 0 up", numberFrom(0)],
    maxDelayMs: ["a number from 0 up", numberFrom(0)],
    maxElapsedMs: ["a number from 0 up", numberFrom(0)],
  },
  { prefix: "retry.", home: "an option of `retry` (retry: { ... })" },
);

/** `{ openai: ..., anthropic: ... }`: one rule per provider name, so a misspelt provider is an unknown key. */
function _byProvider<Names extends string>(
  names: readonly Names[],
  where: string,
  rule: (name: Names) => OptionRule,
): OptionsKind {
  const rules = Object.fromEntries(names.map((name) => [name, rule(name)])) as OptionRules<Record<Names, unknown>>;
  return defineOptions<Record<Names, unknown>>(`\`${where}\``, rules, { prefix: `${where}.` });
}

/**
 * `{ <provider name>: value }` for any name (the run's providers are checked
 * against later, when they are known): each value must fit `fits`.
 */
function _byAnyProvider(where: string, what: string, fits: (value: unknown, name: string) => boolean) {
  return (value: unknown): boolean => {
    if (!isObject(value) || Array.isArray(value)) return false;
    for (const [name, entry] of Object.entries(value as object)) {
      if (entry !== undefined && !fits(entry, name)) {
        throw new InputError(`Expected \`${where}.${name}\` to be ${what}, got ${describeValue(entry)}.`);
      }
    }
    return true;
  };
}

const _batchLimits = _byAnyProvider("batch.limits", "{ maxRequests, maxBytes }", (value, name) =>
  nestedOptions(
    defineOptions<NonNullable<BatchSettings["limits"]>[ProviderName]>(
      `\`batch.limits.${name}\``,
      {
        maxRequests: ["a whole number from 1 up", wholeFrom(1)],
        maxBytes: ["a whole number from 1 up", wholeFrom(1)],
      },
      { prefix: `batch.limits.${name}.` },
    ),
  )(value),
);

const _batch = defineOptions<BatchSettings>(
  "`batch`",
  {
    minSize: ["a whole number from 0 up", wholeFrom(0)],
    confirm: ["true or false", isBoolean],
    approve: ["true or false", isBoolean],
    preview: ["true or false", isBoolean],
    limits: ["{ <provider>: { maxRequests, maxBytes } }", _batchLimits],
  },
  { prefix: "batch.", home: "an option of `batch` (batch: { ... })" },
);

const _dashboard = defineOptions<Exclude<ParallellmOptions["dashboard"], boolean | undefined>>(
  "`dashboard`",
  {
    stream: ["a writable stream", (value) => isObject(value) && isFunction((value as { write?: unknown }).write)],
    plainIntervalMs: ["a number from 1 up", numberFrom(1)],
  },
  { prefix: "dashboard." },
);

const _handleSignals = defineOptions<Exclude<ParallellmOptions["handleSignals"], boolean | undefined>>(
  "`handleSignals`",
  { graceMs: ["a number from 0 up", numberFrom(0)] },
  { prefix: "handleSignals." },
);

const _clients = _byProvider(builtInProviderNames, "clients", (name) => [`an official ${name} SDK client`, isObject]);

const _providers = _byAnyProvider(
  "providers",
  "a provider (an object with a name and generate())",
  (value) =>
    isObject(value) &&
    isString((value as { name?: unknown }).name) &&
    isFunction((value as { generate?: unknown }).generate),
);

const _price = defineOptions<ModelPrice>("a price", {
  input: ["a number from 0 up", numberFrom(0)],
  cachedInput: ["a number from 0 up", numberFrom(0)],
  output: ["a number from 0 up", numberFrom(0)],
});

function _priceTable(value: unknown, name: string): boolean {
  if (!isObject(value) || Array.isArray(value)) return false;
  for (const [model, price] of Object.entries(value as object)) {
    const entry = `${name}["${model}"]`;
    checkOptions(price, _price, { where: `\`${entry}\``, prefix: `${entry}.` });
    if ((price as ModelPrice).input === undefined || (price as ModelPrice).output === undefined) {
      throw new InputError(`\`${entry}\` needs both input and output (USD per million tokens).`);
    }
  }
  return true;
}

/** `"a", "b" or "c"` */
function _quotedList(names: readonly string[]): string {
  return names
    .map((name) => `"${name}"`)
    .join(", ")
    .replace(/, ([^,]*)$/, " or $1");
}

/** A logger missing one of the methods would fail at its first record of that level, mid-run: refused now. */
function _isLogger(value: unknown): boolean {
  if (!isObject(value)) return false;
  const missing = loggerMethods.filter((method) => !isFunction((value as Record<string, unknown>)[method]));
  if (missing.length === 0) return true;
  throw new InputError(
    `Expected \`logger\` to have the methods debug, info, warn and error (pino-compatible), but it has no ${missing.join(", ")} method; pass a pino logger or an object with all four.`,
  );
}

const _shardRules = defineOptions<NonNullable<ParallellmOptions["shard"]>>(
  "`shard`",
  {
    index: ["a whole number from 0 up", wholeFrom(0)],
    count: ["a whole number from 1 up", wholeFrom(1)],
    wait: ["true or false", isBoolean],
  },
  { prefix: "shard." },
);

/** `{ index, count }`, both given, `index` below `count`. */
function _isShard(value: unknown): boolean {
  if (!isObject(value) || Array.isArray(value)) return false;
  checkOptions(value, _shardRules);
  const { index, count } = value as Partial<NonNullable<ParallellmOptions["shard"]>>;
  if (index === undefined || count === undefined) {
    throw new InputError(
      `\`shard\` needs both index (from 0) and count, got ${describeValue(value)}; e.g. { index: 0, count: 4 } for the first of 4 workers.`,
    );
  }
  if (index >= count) {
    throw new InputError(
      `Expected \`shard.index\` to be below \`shard.count\` (${count}), got ${index}: shards are numbered from 0, so the last of ${count} is ${count - 1}.`,
    );
  }
  return true;
}

/** The methods parallellm calls on every store. */
const _storeMethods = ["beginSession", "endSession", "lookup", "saveResponse", "close"] as const;

const _openOptions = defineOptions<ParallellmOptions>(
  "Parallellm.open options",
  {
    ...callDefaultRules,
    strategy: [_quotedList(strategyNames), oneOf(strategyNames)],
    maxConcurrency: ["a whole number from 1 up", wholeFrom(1)],
    limits: [
      "an object of limits by provider or provider/model",
      (value) => isObject(value) && !Array.isArray(value) && parseRateLimits(value as RateLimits) !== undefined,
    ],
    provider: ["a provider name", isString],
    clients: ["{ openai, anthropic, google } clients", nestedOptions(_clients)],
    providers: ["{ <name>: provider }", _providers],
    onError: ['"throw" or "record"', oneOf(["throw", "record"])],
    strict: ["true or false", isBoolean],
    retryFailed: ["true or false", isBoolean],
    retry: ["{ maxAttempts, initialDelayMs, maxDelayMs, maxElapsedMs }", nestedOptions(_retry)],
    summary: ["true, false or a function", (value) => isBoolean(value) || isFunction(value)],
    dashboard: [
      "true, false or { stream, plainIntervalMs }",
      (value) => isBoolean(value) || (isObject(value) && nestedOptions(_dashboard)(value)),
    ],
    prices: ['{ "<model>": { input, output } } (USD per million tokens)', (value) => _priceTable(value, "prices")],
    pricesFile: ["a string", isString],
    store: [
      "a store (beginSession, lookup, saveResponse... as in the Store interface)",
      (value) =>
        isObject(value) && _storeMethods.every((method) => isFunction((value as Record<string, unknown>)[method])),
    ],
    shard: ["{ index, count }", _isShard],
    claimLeaseMs: ["a whole number of milliseconds from 1 up", wholeFrom(1)],
    batch: ["{ minSize, confirm, approve, preview, limits }", nestedOptions(_batch)],
    cohortLock: ["true or false", isBoolean],
    keepRaw: ["true or false", isBoolean],
    telemetry: [
      "{ tracer } (an OpenTelemetry Tracer, from trace.getTracer(name))",
      (value) => isObject(value) && nestedOptions(_telemetry)(value),
    ],
    lock: ['"fail" or "wait"', oneOf(["fail", "wait"])],
    handleSignals: [
      "true, false or { graceMs }",
      (value) => isBoolean(value) || (isObject(value) && nestedOptions(_handleSignals)(value)),
    ],
    logLevel: [_quotedList(logLevels), oneOf(logLevels)],
    logger: ["a logger with debug, info, warn and error methods (pino's, for one)", _isLogger],
  },
  { home: "an option of Parallellm.open(directory, options)" },
);

const _telemetry = defineOptions<TelemetryOptions>(
  "`telemetry`",
  {
    tracer: [
      "an OpenTelemetry Tracer (with startSpan)",
      (value) => isObject(value) && isFunction((value as Record<string, unknown>)["startSpan"]),
    ],
  },
  { prefix: "telemetry." },
);

const _runOptions = defineOptions<RunOptions>(
  "Parallellm.run options",
  {
    untilDone: ["true or false", isBoolean],
    pollInterval: ["a number from 0 up", numberFrom(0)],
    maxPollInterval: ["a number from 0 up", numberFrom(0)],
    maxRuns: ["a whole number from 1 up", wholeFrom(1)],
    onWait: ["a function", isFunction],
  },
  { home: "a run option of Parallellm.run(directory, options, pipeline, runOptions)" },
);

const _forEachOptions = defineOptions<ForEachOptions>(
  "forEach options",
  { concurrency: ["a whole number from 1 up", wholeFrom(1)] },
  { home: "an option of pllm.forEach(items, keyOf, fn, options)" },
);
