/**
 * One base class, a few subclasses callers branch on. Messages say what
 * happened and what to do; they never contain an API key.
 */

export class ParallellmError extends Error {
  override name = "ParallellmError";
  /** Where the failing ask was made (`file:line:column`), when the error concerns one ask and it is known. */
  askLocation: string | undefined;
  /** The agent of the failing ask, when the error concerns one ask. */
  agent: string | undefined;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }

  /** @internal Name the agent and the ask that caused this failure (once: the first ask it is thrown for). */
  _locate(agent: string, askLocation: string | undefined): this {
    if (this.agent === undefined) {
      this.agent = agent;
      this.askLocation = askLocation;
      this.message = `Agent "${agent}"${askLocation ? ` (ask at ${askLocation})` : ""}: ${this.message}`;
    }
    return this;
  }
}

/** Bad input or configuration from the user (unknown model, unsupported document...). */
export class InputError extends ParallellmError {
  override name = "InputError";
}

/** The workspace or its store cannot be used (not a parallellm store, newer schema, locked...). */
export class StoreError extends ParallellmError {
  override name = "StoreError";
}

/** Strict mode: this run asked for different calls than the store holds. */
export class DriftError extends ParallellmError {
  override name = "DriftError";
}

/** A provider batch failed as a whole (e.g. its input was rejected); rerunning will not help. */
export class BatchFailedError extends ParallellmError {
  override name = "BatchFailedError";
}

/**
 * Run-until-done stopped: calls failed for good (rejected by the provider, or
 * failed in too many batches) and are not sent again until the asks change or
 * `retryFailed` sends them again.
 */
export class FailedCallsError extends ParallellmError {
  override name = "FailedCallsError";
}

export type ProviderErrorKind =
  | "request-rejected"
  | "authentication"
  | "rate-limited"
  | "overloaded"
  | "server"
  | "network";

export interface ProviderErrorDetails {
  readonly provider: string;
  readonly model?: string | undefined;
  /** The environment variable the provider's key is read from, named when the key is refused. */
  readonly apiKeyVariable?: string | undefined;
  readonly statusCode?: number | undefined;
  /** The provider's own error message (no secrets). */
  readonly providerMessage?: string | undefined;
  readonly requestId?: string | undefined;
  /** Delay the provider asked for (`retry-after`, `retry-after-ms`, Gemini `RetryInfo`). */
  readonly retryAfterMs?: number | undefined;
  /** Where the failing ask was made (`file:line`), when known. */
  readonly askLocation?: string | undefined;
  readonly agent?: string | undefined;
  /**
   * False when the failure came before any request went out (no API key): nothing
   * was sent or billed, and it is no failed attempt.
   * @default true
   */
  readonly requestSent?: boolean | undefined;
  readonly cause?: unknown;
}

/** A provider call failed. `isRetryable` says whether trying again can help. */
export class ProviderError extends ParallellmError {
  override name = "ProviderError";
  readonly kind: ProviderErrorKind;
  readonly provider: string;
  readonly model: string | undefined;
  readonly statusCode: number | undefined;
  readonly providerMessage: string | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;
  /** False when nothing was sent (see `ProviderErrorDetails.requestSent`). */
  readonly requestSent: boolean;

  constructor(kind: ProviderErrorKind, message: string, details: ProviderErrorDetails) {
    super(message, { cause: details.cause });
    this.kind = kind;
    this.provider = details.provider;
    this.model = details.model;
    this.statusCode = details.statusCode;
    this.providerMessage = details.providerMessage;
    this.requestId = details.requestId;
    this.retryAfterMs = details.retryAfterMs;
    this.requestSent = details.requestSent ?? true;
    this.askLocation = details.askLocation;
    this.agent = details.agent;
  }

  get isRetryable(): boolean {
    return this.kind !== "request-rejected" && this.kind !== "authentication";
  }
}

/** 400/404/413/422: the provider refused the request; retrying will not help. */
export class ProviderRequestError extends ProviderError {
  override name = "ProviderRequestError";
}

/** 401/403: the key is missing, wrong or not allowed. Stops the run. */
export class AuthenticationError extends ProviderError {
  override name = "AuthenticationError";
}

/** 429, 529/503, 5xx, network: retried, then recorded as this. */
export class TransientProviderError extends ProviderError {
  override name = "TransientProviderError";
}

/**
 * Every model of an `llm` list (`[primary, fallback...]`) failed for one ask.
 * `failures` holds each model's error, in the order they were asked; the kind,
 * provider, model and status are the last one's.
 */
export class FallbacksFailedError extends ProviderError {
  override name = "FallbacksFailedError";
  readonly failures: readonly ProviderError[];

  /** `earlier`: the failures of the models asked before `last`, in order. */
  constructor(earlier: readonly ProviderError[], last: ProviderError) {
    const failures = [...earlier, last];
    const each = failures.map((failure, index) => `(${index + 1}) ${failure.message}`).join(" ");
    super(last.kind, `all ${failures.length} models of this ask's llm list failed: ${each}`, {
      provider: last.provider,
      model: last.model,
      statusCode: last.statusCode,
      providerMessage: last.providerMessage,
      requestId: last.requestId,
      retryAfterMs: last.retryAfterMs,
      cause: last,
    });
    this.failures = failures;
  }
}

/** Structured output that does not satisfy its schema. The raw text is kept. */
export class InvalidOutputError extends ParallellmError {
  override name = "InvalidOutputError";
  readonly rawText: string;
  constructor(message: string, rawText: string, options?: { cause?: unknown }) {
    super(message, options);
    this.rawText = rawText;
  }
}

/**
 * A streamed answer is sent again (its attempt was cut off and is retried, or the
 * next model of the `llm` list answers) after `textStream()` had yielded part
 * of it: that part is void. Call `textStream()` again to stream the new attempt
 * from its start, or await `text()`, which resolves with the answer as stored.
 */
export class StreamRestarted extends ParallellmError {
  override name = "StreamRestarted";
}

/**
 * Batch signal: the answer is not back yet. Thrown by `await`ing an unavailable
 * response; agent scopes swallow it, so code inside `pllm.agent` never sees it.
 */
export class NotAvailable extends ParallellmError {
  override name = "NotAvailable";
}

/** The run was interrupted (SIGINT/SIGTERM) before this call was sent; a rerun sends it. Agent scopes swallow it. */
export class Interrupted extends NotAvailable {
  override name = "Interrupted";
}

const statusKinds: Record<number, ProviderErrorKind> = {
  400: "request-rejected",
  404: "request-rejected",
  413: "request-rejected",
  422: "request-rejected",
  401: "authentication",
  403: "authentication",
  408: "network",
  409: "server",
  429: "rate-limited",
  503: "overloaded",
  529: "overloaded",
};

/** Classify an HTTP failure; adapters call this, strategies decide about retries. */
export function classifyStatus(statusCode: number | undefined): ProviderErrorKind {
  if (statusCode === undefined) return "network";
  const known = statusKinds[statusCode];
  if (known) return known;
  if (statusCode >= 500) return "server";
  return "request-rejected";
}

/**
 * An error a provider adapter or its SDK threw that is not a `ParallellmError`:
 * a check of the SDK's own before sending, a body it could not build, an
 * answer it could not read. Not retried (trying the same request again will
 * not help); the run's next attempt sends it again.
 */
export function foreignProviderError(error: unknown, provider: string, model: string): ProviderRequestError {
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ProviderRequestError(
    "request-rejected",
    `${provider} (${model}) failed before an answer was read, in the ${provider} SDK or its adapter: ${what}. Check this ask (model, documents, options) and the client you passed; it is not retried.`,
    { provider, model, providerMessage: what, cause: error },
  );
}

/** Build the right subclass for a classified provider failure. */
export function providerError(details: ProviderErrorDetails & { statusCode?: number }): ProviderError {
  const kind = classifyStatus(details.statusCode);
  const status = details.statusCode === undefined ? "no HTTP status" : `HTTP ${details.statusCode}`;
  const what = details.providerMessage ?? "no message";
  const where = details.model ? `${details.provider} (${details.model})` : details.provider;
  const advice = adviceFor(kind, details.apiKeyVariable);
  const message = `${where} failed with ${status}: ${what}${details.requestId ? ` [request id ${details.requestId}]` : ""}. ${advice}`;
  if (kind === "request-rejected") return new ProviderRequestError(kind, message, details);
  if (kind === "authentication") return new AuthenticationError(kind, message, details);
  return new TransientProviderError(kind, message, details);
}

function adviceFor(kind: ProviderErrorKind, apiKeyVariable: string | undefined): string {
  switch (kind) {
    case "request-rejected":
      return "The provider refused this request; fix the ask (model name, documents, options) — retrying will not help.";
    case "authentication":
      return `Check the API key in ${apiKeyVariable ?? "the client you passed"}; the run stops here and nothing already received is lost.`;
    case "rate-limited":
      return "Rate limited: lower maxConcurrency or set requests/tokens-per-minute limits.";
    case "overloaded":
      return "The provider is overloaded; the call is retried with backoff and a rerun retries it again.";
    default:
      return "A transient failure; the call is retried with backoff and a rerun retries it again.";
  }
}
