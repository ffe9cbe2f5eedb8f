/**
 * The Provider seam: one neutral request in, one neutral result out.
 * Adapters translate and classify errors; retries and limits live in strategies.
 */
import type { ProviderError } from "../core/errors.js";
import type { EmbeddingOptions, LLMRequest, LLMResult, ProviderName } from "../core/llm.js";

export interface Provider {
  /** The provider's own name, used in its errors (`"openai"`); a run knows it by the key it is registered under. */
  readonly name: ProviderName;
  /**
   * Bare model names this provider serves, by prefix (`["gpt-", "o3"]`): an
   * `llm` such as `"gpt-4.1-mini"` is routed to it without naming the provider.
   * A provider registered in `providers` wins over a built-in for a prefix both claim.
   * @default [] (reached only as `"name:model"`)
   */
  readonly modelPrefixes?: readonly string[] | undefined;
  /** The model used when an `llm` (or the `provider` option) names only the provider. */
  readonly defaultModel?: string | undefined;
  /** The environment variable its API key is read from, named in its errors (`"OPENAI_API_KEY"`). */
  readonly apiKeyVariable?: string | undefined;
  /**
   * Which of the vendor's APIs this instance speaks, when it has several
   * (OpenAI: `"chat"` for Chat Completions). Part of each call's stored
   * identity, so an answer from one API is never replayed for another.
   * @default undefined (the vendor's main API)
   */
  readonly api?: string | undefined;
  /**
   * Send one request and return the normalised answer, with the response as
   * received in `raw` when `options.keepRaw` (the run stores it; otherwise it
   * would be dropped, so leave it out). Throws a `ProviderError` (see
   * core/errors.ts) on failure, classified but not retried.
   */
  generate(
    request: LLMRequest,
    options?: { signal?: AbortSignal | undefined; keepRaw?: boolean | undefined },
  ): Promise<GeneratedResult>;
  /**
   * Send one request through the provider's streaming call, handing each piece
   * of answer text to `options.onTextDelta` as it arrives, and resolve once the
   * stream ends with the very result `generate` gives for the request (text,
   * tool calls, usage, finish reason; `raw` when `options.keepRaw`). A stream
   * cut off midway, or ended without its last event, throws a retryable
   * `ProviderError`. Used only for an ask whose answer a consumer streams
   * (`textStream()`); a provider without it refuses those asks.
   */
  stream?(request: LLMRequest, options: StreamOptions): Promise<GeneratedResult>;
  /**
   * Throws an `InputError` (what, where, what to do) when this provider cannot
   * take the request at all, e.g. a schema outside the JSON-Schema subset its
   * API accepts. Called at `ask` for every call not answered from the store,
   * before anything is sent or collected for a batch: keep it cheap (memoise
   * per schema object).
   */
  checkRequest?(request: LLMRequest): void;
  /** The provider's Batch API, when it has one. */
  readonly batch?: BatchApi | undefined;
  /** The provider's embeddings endpoint, when it has one (`agent.embed`). */
  readonly embeddings?: EmbeddingApi | undefined;
}

/** One request to an embeddings endpoint: many texts, one model and shape. */
export interface EmbeddingRequest {
  readonly model: string;
  readonly texts: readonly string[];
  readonly options: EmbeddingOptions;
}

/** What an embeddings endpoint answered: one vector per text, in order. */
export interface EmbeddingResponse {
  readonly vectors: readonly Float32Array[];
  /** Input tokens of the whole request, where the provider reports them. */
  readonly inputTokens: number | undefined;
  /** The model the provider says answered. */
  readonly model: string | undefined;
}

/** A provider's embeddings endpoint, through its official SDK. */
export interface EmbeddingApi {
  /**
   * Per-request limits the core chunks by: texts per request, and input tokens
   * per request (estimated from characters before sending) where the API has one.
   */
  readonly limits: { readonly maxInputs: number; readonly maxTokens: number | undefined };
  /** Send one request; throws a `ProviderError` (see core/errors.ts) on failure, classified but not retried. */
  embed(request: EmbeddingRequest): Promise<EmbeddingResponse>;
}

/** How `Provider.stream` is called. */
export interface StreamOptions {
  readonly signal?: AbortSignal | undefined;
  readonly keepRaw?: boolean | undefined;
  /** Called with each piece of answer text, in order: together they are the result's `text`. */
  readonly onTextDelta: (delta: string) => void;
}

/** What `generate` resolves to: the normalised result, and the provider's response next to it. */
export interface GeneratedResult extends LLMResult {
  /**
   * The response body as received, as JSON text, fields the result does not map
   * included (logprobs, citations, safety ratings...): stored compressed with the
   * answer when the run has `keepRaw: true`, never handed to user code or replayed.
   * Never holds an API key. A provider that has none leaves it out.
   */
  readonly raw?: string | undefined;
}

/** One call in a batch. `customId` maps the result back to the call. */
export interface BatchItem {
  readonly customId: string;
  readonly request: LLMRequest;
}

export interface BatchSubmission {
  /** Every item has this provider and model (the planner groups them so). */
  readonly model: string;
  readonly items: readonly BatchItem[];
  /**
   * The JSONL file of `inputLine(item)` for each item, in order, as archived in
   * the workspace: what a file-based Batch API uploads, so the archive matches
   * what was sent and no copy of it needs to sit in memory.
   */
  readonly inputPath: string;
  /**
   * Unique tag recorded in our store before the batch is created. The adapter
   * stores it with the batch (metadata, display name) when the provider allows,
   * so a crash between create and record can be reconciled by `find`.
   */
  readonly tag: string;
}

export type BatchState = "in-progress" | "completed" | "failed" | "expired" | "cancelled";

export interface BatchStatus {
  readonly state: BatchState;
  /** Counts where the provider reports them. */
  readonly total?: number | undefined;
  readonly finished?: number | undefined;
  /** Why a batch failed as a whole (e.g. input validation). */
  readonly message?: string | undefined;
  /** The provider's batch object as `status` read it: `results` reads an ended batch from it instead of fetching it again. */
  readonly raw?: unknown;
}

/** A per-request outcome: a failure is a value, not an exception. */
export type BatchItemResult =
  | { readonly customId: string; readonly status: "succeeded"; readonly result: LLMResult }
  | { readonly customId: string; readonly status: "failed"; readonly error: ProviderError }
  | { readonly customId: string; readonly status: "expired" | "cancelled" };

/** One line of a batch's results as received, and what it says. */
export interface BatchResultLine {
  /** The line as received (one JSON document): archived, and compared to tell a repeat from a conflict. */
  readonly raw: string;
  /** The per-request outcome, or why the line was skipped (malformed JSON, no custom id...), saying where it was. */
  readonly outcome: BatchItemResult | { readonly warning: string };
}

/** A stretch of a batch's results: a few thousand lines, so a 50,000-line batch never sits in memory whole. */
export interface BatchResultChunk {
  readonly lines: readonly BatchResultLine[];
  /** What concerns the batch rather than a line (e.g. a completed batch with no output). */
  readonly warnings?: readonly string[] | undefined;
}

/** A provider's Batch API: submit, status, results, through the official SDK. */
export interface BatchApi {
  /**
   * Embedding calls (`LLMRequest.embedding`) may be submitted in batches of their own
   * (never mixed with asks): `inputLine` writes them and `results` reads their vectors.
   */
  readonly takesEmbeddings?: boolean | undefined;
  /** Per-batch limits; the planner splits so no batch exceeds either. */
  readonly limits: { readonly maxRequests: number; readonly maxBytes: number };
  /** The item as one line of the provider's batch input (JSON text, no newline). */
  inputLine(item: BatchItem): string;
  submit(submission: BatchSubmission): Promise<{ readonly id: string }>;
  /**
   * The id of a batch created for `tag`, if the provider has one. Providers that
   * keep no tag (Anthropic) match on creation time and request count instead.
   * `hint.createdAfter`: milliseconds since the epoch, when the intent was
   * recorded; `hint.exclude`: provider ids the store already knows.
   */
  find(
    tag: string,
    hint: {
      readonly createdAfter: number;
      readonly requestCount: number;
      readonly exclude?: ReadonlySet<string> | undefined;
    },
  ): Promise<string | undefined>;
  status(id: string): Promise<BatchStatus>;
  /**
   * Results of a batch that has ended (completed, expired, cancelled), read as
   * they download. Lines come in the provider's order; repeated custom ids are
   * passed on as they are (the ingest decides). `ended`: what `status(id)`
   * returned, so the batch is not fetched a second time.
   */
  results(id: string, ended?: BatchStatus): AsyncIterable<BatchResultChunk>;
  cancel(id: string): Promise<void>;
}

export type { LLMRequest, LLMResult, ProviderName };
