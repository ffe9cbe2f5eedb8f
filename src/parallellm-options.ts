import type Anthropic from "@anthropic-ai/sdk";
import type OpenAI from "openai";
import type { Shard } from "./core/agent-shard.js";
import type { CallDefaults } from "./core/call-options.js";
import type { ProviderName } from "./core/llm.js";
import type { Logger, LogLevel } from "./core/log.js";
import type { RunSummary } from "./dashboard/run-summary.js";
import type { GoogleClient } from "./providers/google/google-client.js";
import type { ModelPrice } from "./providers/model-prices.js";
import type { Provider } from "./providers/provider.js";
import type { Store } from "./store/store.js";
import type { RateLimits } from "./strategies/rate-limits.js";
import type { RetryPolicy } from "./strategies/retry-policy.js";
import type { StrategyName } from "./strategies/strategy.js";
import type { TelemetryOptions } from "./telemetry/telemetry-options.js";

export interface ParallellmOptions extends CallDefaults {
  /**
   * When calls without a stored answer are sent.
   * @default "async"
   */
  readonly strategy?: StrategyName | undefined;
  /** Requests in flight at once (`async`). @default 16 */
  readonly maxConcurrency?: number | undefined;
  /**
   * Rate limits per provider and per model, kept for every request sent
   * (replays are never slowed): requests wait, never fail, for a limit. Both a
   * provider's and a model's limit apply to that model's requests.
   * @default {} (no limits besides `maxConcurrency`)
   * @example
   * { openai: { rpm: 500, tpm: 200_000, concurrency: 50 }, "openai/gpt-4.1-mini": { rpm: 100 } }
   */
  readonly limits?: RateLimits | undefined;
  /** Default provider (a registered name) when no `llm` is given: its default model is used. */
  readonly provider?: ProviderName | undefined;
  /**
   * Official SDK clients for the built-in providers, to use instead of ones
   * made from the environment (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`,
   * `GEMINI_API_KEY`/`GOOGLE_API_KEY`), e.g. pointed at the fake provider
   * server. A provider you register in `providers` takes its client where you
   * create it.
   */
  readonly clients?:
    | {
        readonly openai?: OpenAI | undefined;
        readonly anthropic?: Anthropic | undefined;
        readonly google?: GoogleClient | undefined;
      }
    | undefined;
  /**
   * Providers by name, beside the built-in `openai`, `anthropic` and `google`:
   * the key is the name `llm` uses (`"local:llama3.1"`) and each call is stored
   * under; it must be the provider's own `name`. A key that is a built-in's
   * name replaces that built-in (its model prefixes and default model still
   * lead to the name).
   * @example
   * { local: createOpenAIProvider({ name: "local", baseURL: "http://127.0.0.1:8000/v1", api: "chat" }), mock: new MockProvider() }
   */
  readonly providers?: Readonly<Record<ProviderName, Provider | undefined>> | undefined;
  /**
   * `"throw"`: a failed call raises at `await` and stops its agent and the run.
   * `"record"`: the failure is recorded, that agent stops, the others go on.
   * @default "throw"
   */
  readonly onError?: "throw" | "record" | undefined;
  /** Turn drift (stored answers not asked, new calls in a replayed pipeline) into an error at close. */
  readonly strict?: boolean | undefined;
  /**
   * Send again the calls that failed for good in earlier runs: those the provider
   * rejected (400-class, sent directly or inside a batch) and those that failed in
   * 3 batches. Without it they fail at once, unsent, until their ask changes. With
   * `Parallellm.run(..., { untilDone: true })` only the first run sends them again.
   * @default false
   */
  readonly retryFailed?: boolean | undefined;
  readonly retry?: RetryPolicy | undefined;
  /**
   * Where the end-of-run summary goes: `true` for stderr, a function for your own logger, `false` for nowhere.
   * @default true
   */
  readonly summary?: boolean | ((text: string) => void) | undefined;
  /**
   * Live progress on stderr: a panel on a terminal, a plain line every few
   * seconds elsewhere. Off when `summary` is off. An object picks the stream.
   * @default true
   */
  readonly dashboard?:
    | boolean
    | { readonly stream?: NodeJS.WriteStream | undefined; readonly plainIntervalMs?: number | undefined }
    | undefined;
  /**
   * Prices per model (USD per million tokens: `{ input, cachedInput?, output }`)
   * that override or extend the shipped table, e.g. for a fine-tune or a new model.
   */
  readonly prices?: Readonly<Record<string, ModelPrice>> | undefined;
  /** A JSON file of prices in the same shape as `prices` (merged under `prices`). */
  readonly pricesFile?: string | undefined;
  /**
   * Use this store instead of the workspace's SQLite file, e.g. `postgresStore(url)` from
   * `parallellm/postgres`; the directory then keeps only local files (the batch archive).
   * The store is closed with the workspace; the same object may be passed to the next open.
   */
  readonly store?: Store | undefined;
  /**
   * Run as one of `count` workers of this pipeline sharing one store (`postgresStore`):
   * this worker (`index`, from 0) sends only the calls of the agents whose stable key
   * (a hash of the agent's name) falls in its shard. It still runs every agent and
   * replays every stored answer; an ask of another shard's agent that has no answer yet
   * halts its agent, so `Parallellm.run(..., { untilDone: true })` runs again until the
   * other workers have stored theirs. With `wait: true` (which `untilDone` sets) such an
   * ask waits in the run instead, until another worker stores its answer.
   * `pllm run --shard 2/8` is `{ index: 1, count: 8 }`.
   * @example
   * { store: postgresStore(process.env.PARALLELLM_PG_URL), shard: { index: 0, count: 4 } }
   */
  readonly shard?: Shard | undefined;
  /**
   * With a store several workers share (`postgresStore`): a call is claimed before it is
   * sent, so no other worker sends it meanwhile; the claim is renewed while the call is in
   * flight and lapses this long after its worker dies (another worker then sends the call).
   * @default 60000
   */
  readonly claimLeaseMs?: number | undefined;
  /** Batch and hybrid strategies. */
  readonly batch?: BatchSettings | undefined;
  /** A session's batch results become visible only when all of that session's batches are done. */
  readonly cohortLock?: boolean | undefined;
  /**
   * Keep each answer's raw provider response (the body as received, fields
   * parallellm does not map included; a batch answer's result line), deflated,
   * next to the answer: read it back with `Parallellm.inspect(dir)` →
   * `call(id).raw`. Off by default because it costs: about 0.6 KB more per
   * answer, and compressing each one made a batch ingest about twice as slow
   * (BENCHMARKS.md, "raw responses").
   * @default false
   */
  readonly keepRaw?: boolean | undefined;
  /**
   * OpenTelemetry spans of the run, each agent and each call, after the GenAI
   * semantic conventions (README "Telemetry"). Off unless a tracer is given;
   * then `@opentelemetry/api` must be installed.
   * @example
   * { tracer: trace.getTracer("my-pipeline") }
   */
  readonly telemetry?: TelemetryOptions | undefined;
  /**
   * When another process has this workspace open: `"fail"` at once with a
   * `StoreError` naming its pid and host, or `"wait"` until it closes. A lock
   * left by a process that died is taken over. Only the workspace's own SQLite
   * store is locked: refused with `store`.
   * @default "fail"
   */
  readonly lock?: "fail" | "wait" | undefined;
  /**
   * On the first SIGINT/SIGTERM: send nothing new, wait up to `graceMs` for calls
   * in flight, store what arrived, submit collected batch calls, print the
   * summary, exit 130/143. A second signal exits at once (the store stays
   * consistent: every answer is committed atomically). `false` leaves signals to you.
   * @default { graceMs: 10000 }
   */
  readonly handleSignals?: boolean | { readonly graceMs?: number | undefined } | undefined;
  /**
   * What the library logs: `"error"` what makes the run fail, `"warn"` also
   * retries, failed calls and batch problems, `"info"` also sessions, batches
   * and rate-limit waits, `"debug"` also every send, receive and replay (sizes,
   * never contents). Without it, the environment variable `PLLM_LOG_LEVEL`
   * decides. The dashboard and the summary are not log records.
   * @default "warn"
   */
  readonly logLevel?: LogLevel | undefined;
  /**
   * Where records go: a pino-compatible logger (`{ debug, info, warn, error }`,
   * each called with the record's fields, then its message). Records below
   * `logLevel` are not passed on.
   * @default one line per record on stderr (above the live dashboard)
   */
  readonly logger?: Logger | undefined;
}

export interface BatchSettings {
  /** Hybrid: rounds with fewer collected calls than this are sent directly. @default 100 */
  readonly minSize?: number | undefined;
  /**
   * Ask before submitting: shows requests, estimated input tokens and cost per
   * provider/model. On a terminal you answer y/N; elsewhere it submits only with
   * `approve: true` or the environment variable `PLLM_APPROVE=1`, and never waits.
   */
  readonly confirm?: boolean | undefined;
  /** Approve submissions without asking (for non-interactive runs with `confirm`). */
  readonly approve?: boolean | undefined;
  /** Write the batch input files to `<workspace>/batches/` and submit nothing. */
  readonly preview?: boolean | undefined;
  /**
   * Override per-batch limits (requests, bytes) of the built-in providers; a
   * provider you register takes its limits where you create it.
   */
  readonly limits?:
    | Readonly<
        Record<
          ProviderName,
          { readonly maxRequests?: number | undefined; readonly maxBytes?: number | undefined } | undefined
        >
      >
    | undefined;
}

export interface RunOptions {
  /** Rerun until nothing is pending. @default false */
  readonly untilDone?: boolean | undefined;
  /** Wait after a run that moved (answers stored or replayed anew, calls submitted); doubled while nothing moves. @default 30000 */
  readonly pollInterval?: number | undefined;
  /** Longest wait between runs. @default 600000 */
  readonly maxPollInterval?: number | undefined;
  /** Stop after this many runs even if something is pending. */
  readonly maxRuns?: number | undefined;
  /** Told before each wait (for progress output). */
  readonly onWait?: ((summary: RunSummary, waitMs: number) => void) | undefined;
}

export interface ForEachOptions {
  /** Agents running at once. @default 256 */
  readonly concurrency?: number | undefined;
}
