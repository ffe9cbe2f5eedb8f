/**
 * Public types of the fake provider server: options, scripting, failure
 * injection and the request log.
 */

import type Anthropic from "@anthropic-ai/sdk";
import type OpenAI from "openai";
import type { FinishReasonKind, JsonSchema } from "../../core/llm.js";
import type { GoogleClient } from "../../providers/google/google-client.js";
import type { BatchBehavior, FakeBatch } from "./batch-book.js";

/** The providers the fake server speaks for, named as in `ProviderName`. */
export type FakeProviderName = "openai" | "anthropic" | "google";

/**
 * Whose variant of OpenAI's wire format the `openai` routes speak: OpenAI's
 * own, Groq's (`/openai/v1/...`), Azure OpenAI's (`/openai/...?api-version=`,
 * `api-key` header) or Mistral's (chat completions, and batch jobs at `/v1/batch/jobs`).
 */
export type OpenAIDialectName = "openai" | "groq" | "azure" | "mistral";

/** A function tool offered in a request, in neutral form. */
export interface OfferedTool {
  readonly name: string;
  /** JSON Schema of the arguments (Gemini OpenAPI schemas are converted to JSON Schema). */
  readonly parameters: JsonSchema;
}

/** What scripts, failure rules and latency functions see about one request. */
export interface ReplyContext {
  readonly provider: FakeProviderName;
  /** The request path as the routes know it, e.g. `/v1/responses` (also for an OpenAI dialect's own paths) or `/v1beta/models/gemini-2.5-flash:generateContent`. */
  readonly path: string;
  /** The model asked for (`undefined` when the request names none). */
  readonly model: string | undefined;
  /** The text of the last user message that has text; `""` when there is none. */
  readonly prompt: string;
  /** The parsed JSON body; `undefined` when the body is not JSON. */
  readonly body: unknown;
  /** Function tools offered, in request order. */
  readonly tools: readonly OfferedTool[];
  /** The JSON schema the request asks the answer to follow (structured output). */
  readonly schema: JsonSchema | undefined;
  /** True when the last input item is a tool result. */
  readonly afterToolResult: boolean;
}

/** A tool call a scripted reply makes. */
export interface ScriptedToolCall {
  readonly name: string;
  readonly args: unknown;
}

/** Finish reasons a reply can name; each provider gets its own spelling. */
export type ReplyFinishReason = Extract<FinishReasonKind, "stop" | "length" | "tool-calls" | "content-filter">;

/**
 * A scripted answer. Fields left out are filled in: text from the request
 * (deterministic), usage from the sizes (characters / 4).
 */
export interface Reply {
  /** The answer text, sent verbatim (also for structured output, so tests can send invalid JSON). */
  readonly text?: string | undefined;
  /** Tool calls to make; used only when the request offers tools. */
  readonly toolCalls?: readonly ScriptedToolCall[] | undefined;
  /** Structured output: sent as `JSON.stringify(json)` when `text` is absent. */
  readonly json?: unknown;
  readonly usage?:
    | { readonly inputTokens?: number | undefined; readonly outputTokens?: number | undefined }
    | undefined;
  /** @default "tool-calls" when the answer has tool calls, else "stop" */
  readonly finishReason?: ReplyFinishReason | undefined;
}

/**
 * Selects requests: a string matches when the prompt contains it, a RegExp is
 * tested against the prompt, a function decides from the whole context.
 */
export type ContextMatcher = string | RegExp | ((context: ReplyContext) => boolean);

/**
 * A scripted answer for the requests it matches. Rules are tried in the order
 * they were added; the first matching rule with uses left answers.
 *
 * @example
 * server.script({ provider: "openai", match: /weather/, reply: { toolCalls: [{ name: "get_weather", args: { city: "Oslo" } }] }, times: 1 });
 */
export interface ScriptRule {
  readonly provider?: FakeProviderName | undefined;
  /** Exact model name, or a RegExp tested against it. */
  readonly model?: string | RegExp | undefined;
  readonly match?: ContextMatcher | undefined;
  /** A string is the answer text; a function is called for each matching request. */
  readonly reply: string | Reply | ((context: ReplyContext) => Reply | string);
  /** How many requests this rule answers. @default unlimited */
  readonly times?: number | undefined;
}

/** Fail the next matching requests with an error in the provider's shape. */
export interface FailureInjection {
  /** HTTP status, e.g. 429, 500, 529 (Anthropic overloaded), 503. */
  readonly status: number;
  /** @default 1 */
  readonly times?: number | undefined;
  /** Sent as `retry-after` (OpenAI, Anthropic) or as a `RetryInfo` detail (Gemini). */
  readonly retryAfterSeconds?: number | undefined;
  /** Sent as `retry-after-ms` (and a rounded-up `retry-after`) or as a Gemini `RetryInfo` detail. */
  readonly retryAfterMs?: number | undefined;
  /** @default the provider's usual message for the status */
  readonly message?: string | undefined;
  readonly provider?: FakeProviderName | undefined;
  readonly match?: ContextMatcher | undefined;
}

/**
 * Cut the next matching streamed answers off midway, after `afterEvents` of
 * the answer's events: the connection is destroyed, as a network fault does,
 * or (`ends: true`) the response ends there in good order, as a proxy that
 * closes a stream early does, without the provider's last event.
 *
 * @example
 * server.cutStream({ provider: "anthropic", afterEvents: 5 });
 */
export interface StreamCut {
  /** Events sent before the cut. @default half of the answer's events */
  readonly afterEvents?: number | undefined;
  /** End the response in good order at the cut instead of destroying the connection. @default false */
  readonly ends?: boolean | undefined;
  /** @default 1 */
  readonly times?: number | undefined;
  readonly provider?: FakeProviderName | undefined;
  readonly match?: ContextMatcher | undefined;
}

/** Random failures for every request, on top of `failNext`. */
export interface FaultSettings {
  /** Probability (0 to 1) that a request fails with one of `statuses`. */
  readonly rate: number;
  /** Statuses to pick from, uniformly. */
  readonly statuses: readonly number[];
  readonly retryAfterSeconds?: number | undefined;
  /** Sent as `retry-after-ms` (and a rounded-up `retry-after`) or as a Gemini `RetryInfo` detail; for fast tests. */
  readonly retryAfterMs?: number | undefined;
  /** Probability (0 to 1) that the socket is destroyed without any response. @default 0 */
  readonly dropConnectionRate?: number | undefined;
}

/**
 * How a hostile provider spoils its successful answers. Streamed answers are
 * not spoiled: `cutStream` cuts them off.
 *
 * Direct calls (generation endpoints):
 * - `"malformed-json"`: the body is cut off halfway, so it is not JSON.
 * - `"empty-choices"`: the envelope without its answer (OpenAI `choices: []` or
 *   `output: []`, Anthropic `content: []`, Gemini `candidates: []`).
 * - `"huge-body"`: every answer text is `bytes` long.
 *
 * Batch results (OpenAI output and error files, Anthropic results, Gemini inline output):
 * - `"truncate-line"`: the last result is cut off (a download interrupted mid-line).
 * - `"duplicate-line"`: the first result appears twice, identical.
 * - `"conflicting-line"`: the first result's id appears again, before it, with a different answer.
 * - `"unknown-custom-id"`: an extra result for an id that was never submitted.
 */
export type HostileKind =
  | "malformed-json"
  | "empty-choices"
  | "huge-body"
  | "truncate-line"
  | "duplicate-line"
  | "conflicting-line"
  | "unknown-custom-id";

/**
 * A hostility in force; see `HostileKind`.
 *
 * @example
 * server.setHostility({ kind: "empty-choices", provider: "openai", times: 2 });
 */
export interface Hostility {
  readonly kind: HostileKind;
  readonly provider?: FakeProviderName | undefined;
  /** Direct calls only: which requests to spoil. */
  readonly match?: ContextMatcher | undefined;
  /**
   * How many responses to spoil. A Gemini batch's results are read with its
   * status, so each read of a finished Gemini batch counts.
   * @default unlimited
   */
  readonly times?: number | undefined;
  /** `"huge-body"`: length of each answer text. @default 8 MiB */
  readonly bytes?: number | undefined;
}

/** Delay before each response, in milliseconds. */
export type Latency = number | ((context: ReplyContext) => number);

/** One request the server received. */
export interface LoggedRequest {
  readonly provider: FakeProviderName;
  /** Path and query string (an API key in `?key=` is redacted). */
  readonly path: string;
  readonly method: string;
  readonly model: string | undefined;
  /** Lower-cased header names; API key values are redacted. */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body; `undefined` when the body is not JSON. */
  readonly body: unknown;
  /** Arrival time, in milliseconds since the epoch. */
  readonly time: number;
  /** The status sent; `undefined` while in flight or when the connection was dropped. */
  readonly status: number | undefined;
  /** True when fault injection destroyed the connection instead of answering. */
  readonly dropped: boolean;
}

/**
 * A provider's rate limit: requests over it are answered 429 in the provider's
 * error shape, with `retry-after` (and `retry-after-ms`, or a Gemini `RetryInfo`).
 * Only accepted requests count.
 *
 * @example
 * { requests: 60, windowMs: 10_000, provider: "openai" } // 60 requests in any 10 s
 */
export interface RateLimitSettings {
  /** Requests accepted in any `windowMs`. */
  readonly requests: number;
  /** The rolling window, in milliseconds. @default 60000 */
  readonly windowMs?: number | undefined;
  /** Limit only this provider's requests. @default every provider, counted together */
  readonly provider?: FakeProviderName | undefined;
}

/** Options of `startFakeProviderServer`. */
export interface FakeProviderServerOptions {
  /** Port on 127.0.0.1. @default 0 (a free port) */
  readonly port?: number | undefined;
  /**
   * How long each response takes, counted from the request's arrival: reading,
   * parsing and answering it happen within this time, as at a real provider.
   * @default 0
   */
  readonly latencyMs?: Latency | undefined;
  /**
   * When a request offers tools and no script answers it, call the first tool
   * with arguments sampled from its schema, unless the last input item is a
   * tool result (then answer with text). @default false
   */
  readonly autoToolCalls?: boolean | undefined;
  /** Require these API keys; any key is accepted for a provider not listed. */
  readonly apiKeys?: { readonly [provider in FakeProviderName]?: string } | undefined;
  /** Random source for `setFaults`. @default Math.random */
  readonly random?: (() => number) | undefined;
  /** Refuse requests over this rate with 429; see `RateLimitSettings`. @default no limit */
  readonly rateLimit?: RateLimitSettings | undefined;
  /**
   * Keep every request in `requests`. A server whose log nobody reads (the
   * standalone `pllm fake-server`) turns it off, so its memory stays flat over
   * millions of requests; `counts` and `maxInFlight` are kept either way.
   * @default true
   */
  readonly logRequests?: boolean | undefined;
  /**
   * Speak an OpenAI-compatible provider's variant of the wire format on the
   * `openai` routes, as strictly as that provider: its paths, key header,
   * required query parameters and Batch API rules. `clientsFor().openai` is
   * a client for it. @default "openai"
   */
  readonly openaiDialect?: OpenAIDialectName | undefined;
}

/**
 * Official SDK clients pointed at the fake server, with retries off. `google`
 * is a `GoogleGenAI`, typed as the `GoogleClient` subset parallellm calls so that
 * these types do not load the SDK's; to call the rest of the SDK, cast it
 * (`clients.google as GoogleGenAI`).
 */
export interface FakeProviderClients {
  readonly openai: OpenAI;
  readonly anthropic: Anthropic;
  readonly google: GoogleClient;
}

/**
 * A local HTTP server that speaks the OpenAI, Anthropic and Gemini wire
 * protocols well enough for their official SDKs.
 */
export interface FakeProviderServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Every request received since start or the last `resetLog()`, in arrival order (empty with `logRequests: false`). */
  readonly requests: readonly LoggedRequest[];
  /** Requests being handled right now. */
  readonly inFlight: number;
  /** The largest `inFlight` seen since start or the last `resetLog()`. */
  readonly maxInFlight: number;
  /** Requests received per provider since start or the last `resetLog()`. */
  readonly counts: Readonly<Record<FakeProviderName, number>>;
  /** Builds real SDK clients pointed at this server (using `apiKeys` when given). */
  clientsFor(): FakeProviderClients;
  /** Adds a scripted answer; see `ScriptRule`. */
  script(rule: ScriptRule): void;
  /** Fails the next matching request(s); see `FailureInjection`. */
  failNext(failure: FailureInjection): void;
  /** Cuts the next matching streamed answer(s) off midway; see `StreamCut`. */
  cutStream(cut: StreamCut): void;
  /** Sets (or, with `undefined`, clears) random failures. */
  setFaults(faults: FaultSettings | undefined): void;
  setLatency(latency: Latency): void;
  /** Spoils successful answers from now on (or, with `undefined`, stops); see `Hostility`. */
  setHostility(hostility: Hostility | readonly Hostility[] | undefined): void;
  /** How batches progress and end from now on; see `BatchBehavior`. */
  setBatchBehavior(behavior: BatchBehavior): void;
  /** The batches a provider has received, newest first (tests assert "exactly one batch"). */
  batchesOf(provider: FakeProviderName): readonly FakeBatch[];
  /** Clears `requests` and `counts`, and sets `maxInFlight` to the current `inFlight`. */
  resetLog(): void;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}
