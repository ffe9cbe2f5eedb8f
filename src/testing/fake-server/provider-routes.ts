/**
 * The contract between the server plumbing and a provider's route module.
 * A route module recognises its requests, checks their keys, and turns each
 * request into a `WireResponse`; the plumbing does the log, latency, faults
 * and HTTP.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { BatchBook } from "./batch-book.js";
import type { FakeProviderName, ReplyContext, ReplyFinishReason, ScriptedToolCall } from "./fake-server-types.js";

/** A response to write: status, extra headers, and a JSON body. */
export interface WireResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as JSON; a `Buffer` is sent as is (JSONL, file content) with the `content-type` of `headers`. */
  readonly body: unknown;
  /** A streamed answer: these server-sent events go out instead of `body`, in order. */
  readonly events?: readonly WireEvent[] | undefined;
}

/** One server-sent event: `event:` (when named) and `data:` (JSON, or a string as is, e.g. `[DONE]`). */
export interface WireEvent {
  readonly event?: string | undefined;
  readonly data: unknown;
}

/** An error to send, in neutral form; each provider renders its own body. */
export interface ProviderFailure {
  readonly status: number;
  /** @default the provider's usual message for the status */
  readonly message?: string;
  /** OpenAI `error.code`; Gemini `ErrorInfo.reason`. */
  readonly code?: string | null;
  /** OpenAI `error.param`; Gemini `BadRequest` field. */
  readonly param?: string | null;
  readonly retryAfterSeconds?: number;
  readonly retryAfterMs?: number;
  /** The whole body, for a provider's gateway that answers in a shape of its own (Azure's bare 404). */
  readonly body?: unknown;
}

/** The answer chosen for a request, before a provider shapes it. */
export interface Answer {
  /** `""` when the answer is only tool calls. */
  readonly text: string;
  readonly toolCalls: readonly ScriptedToolCall[];
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly finishReason: ReplyFinishReason;
}

/** One request, as a route handler sees it. */
export interface Exchange {
  readonly method: string;
  readonly url: URL;
  /** `url.pathname` */
  readonly path: string;
  /** Named groups of the route's pattern. */
  readonly params: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  /** Parsed JSON body; `undefined` when the request is not JSON. */
  readonly body: unknown;
  readonly rawBody: Buffer;
  /** The server's own origin, for absolute URLs in responses. */
  readonly origin: string;
  /** The scripted answer for this request (using up one use of the rule), or the deterministic default. */
  answer(context: ReplyContext): Answer;
  /** The server's batches and files (batch endpoints). */
  readonly batches: BatchBook;
}

/** What a route tells scripts, faults and the log about its request. */
export type RequestFacts = Omit<ReplyContext, "provider" | "path" | "body">;

/** One endpoint of a provider. */
export interface Route {
  readonly method: "GET" | "POST" | "DELETE";
  /** Matched against the path; named groups become `exchange.params`. */
  readonly pattern: RegExp;
  /** Reads the facts from the request; must not throw on malformed bodies. */
  readonly describe?: (exchange: Exchange) => RequestFacts;
  readonly handle: (exchange: Exchange, context: ReplyContext) => WireResponse | Promise<WireResponse>;
}

/** One provider's route module: recognition, access, routes and error shape. */
export interface ProviderRoutes {
  readonly provider: FakeProviderName;
  /** True when the request is for this provider (by header or path). */
  readonly recognizes: (url: URL, headers: IncomingHttpHeaders) => boolean;
  /** A failure when the credentials (or required headers) are missing or wrong. */
  readonly checkAccess: (
    url: URL,
    headers: IncomingHttpHeaders,
    requiredKey: string | undefined,
  ) => ProviderFailure | undefined;
  readonly routes: readonly Route[];
  /** The path its routes match for `url`, when it differs from `url.pathname`; `undefined`: no route. */
  readonly routePath?: ((url: URL) => string | undefined) | undefined;
  /** Renders a failure as this provider's error response. */
  readonly error: (failure: ProviderFailure) => WireResponse;
  readonly notFound: (method: string, path: string) => ProviderFailure;
  readonly malformedJson: ProviderFailure;
}

/** The facts of a request no route describes: no prompt, tools or schema. */
export const noFacts: RequestFacts = {
  model: undefined,
  prompt: "",
  tools: [],
  schema: undefined,
  afterToolResult: false,
};
