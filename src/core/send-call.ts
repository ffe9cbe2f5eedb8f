/**
 * Sending one call under the strategy: every failed attempt recorded, the
 * answer committed to the store before it is handed on, the run's counts kept.
 */
import type { GeneratedResult, Provider } from "../providers/provider.js";
import type { CallKey, Store } from "../store/store.js";
import type { Strategy } from "../strategies/strategy.js";
import type { AnswerStream } from "./answer-stream.js";
import { type AskSite, askLocation } from "./ask-location.js";
import {
  AuthenticationError,
  FallbacksFailedError,
  foreignProviderError,
  InputError,
  Interrupted,
  ParallellmError,
  ProviderError,
} from "./errors.js";
import { nextFallback } from "./fallback-chain.js";
import type { LLMResult, ProviderName } from "./llm.js";
import { callLabel, errorMessage, type Log, type LogFields } from "./log.js";
import type { PreparedCall } from "./prepare-call.js";
import type { ResponseHandle } from "./response-handle.js";
import type { RunTally } from "./run-tally.js";
import type { RunTelemetry } from "./run-telemetry.js";

export interface SendContext {
  readonly store: Store;
  readonly strategy: Strategy;
  readonly session: number;
  readonly providerFor: (name: ProviderName) => Provider;
  /** Store each answer's raw provider response with it. */
  readonly keepRaw: boolean;
  readonly tally: RunTally;
  readonly log: Log;
  /** Where spans go, when the run was given a tracer. */
  readonly telemetry?: RunTelemetry | undefined;
}

export interface SendOptions {
  readonly seq: number;
  /** Keep the stored answer in use (`ignoreCache`) instead of replacing it. */
  readonly keepStored: boolean;
  /** Where the ask was made, for the errors of a call that fails. */
  readonly askSite: AskSite | undefined;
  /** Nothing was stored for this call (as opposed to a deliberate resend). */
  readonly isNew: boolean;
  /**
   * Asked once the call has its slot, before its first attempt (a store shared by workers):
   * false means another worker sends it, and the call rejects with `claimedElsewhere`, unsent.
   */
  readonly claim?: (() => Promise<boolean>) | undefined;
  /** The ask's handle: each attempt streams when a consumer of it asked for a stream by then. */
  readonly handle?: ResponseHandle | undefined;
}

/** What a call rejects with when its claim went to another worker (see `SendOptions.claim`): never shown to user code. */
export const claimedElsewhere = new Error("Another worker sends this call.");

/**
 * Send `call`, and when its model fails for good (after the strategy's retries) ask its
 * fallbacks in turn: the answer is stored under the call's identity with the model that gave it.
 */
export async function sendCall(
  context: SendContext,
  key: CallKey,
  call: PreparedCall,
  options: SendOptions,
): Promise<LLMResult> {
  const { store, strategy, session, tally, log } = context;
  const stats = tally.stats;
  // The model asked now: the call itself, then each fallback in turn.
  let asked = call;
  // Made only when a record is logged: a call sent at the quiet default builds nothing.
  let fields: LogFields | undefined;
  const fieldsOf = () => (fields ??= callFields(session, key, asked));
  const sentAt = Date.now();
  let attempts = 0;
  let attemptStartedAt = sentAt;
  // `sent` counts a call as its first attempt starts (the live panel shows it in flight),
  // and takes it back if no attempt made a request after all (no API key).
  let counted = false;
  let requestMade = false;
  let result: LLMResult | undefined;
  let raw: string | undefined;
  const send = () => {
    if (!counted) {
      counted = true;
      stats.sent++;
    }
    attempts++;
    if (log.debugOn) {
      attemptStartedAt = Date.now();
      log.debug({ ...fieldsOf(), attempt: attempts, requestChars: requestChars(asked) }, "send");
    }
    return generate(
      context.providerFor(asked.llm.provider),
      asked,
      context.keepRaw,
      (received) => {
        raw = received;
      },
      options.handle?._streamed(),
    );
  };
  const sendFirst = options.claim ? claimFirst(options.claim, send) : send;
  // Each model's failure, kept only when the call has fallbacks.
  const failures: ProviderError[] = [];
  while (result === undefined) {
    const span = context.telemetry?.callStarted(key, asked, call.fallbacks.length - asked.fallbacks.length);
    try {
      result = await strategy.run({
        provider: asked.llm.provider,
        model: asked.llm.model,
        request: asked.request,
        send: asked === call ? sendFirst : send,
        waitsForLimit: (waitMs) => {
          if (log.infoOn) log.info({ ...fieldsOf(), waitMs }, "waiting for a rate limit");
        },
        attemptFailed: (error, attempt, retryInMs) => {
          if (retryInMs !== undefined && log.warnOn) {
            log.warn(
              { ...fieldsOf(), attempt, status: error.statusCode ?? error.kind, error: error.message, retryInMs },
              "retrying after a transient error",
            );
          }
          if (!error.requestSent) return;
          requestMade = true;
          stats.failedAttempts++;
          recordFailedAttempt(store, key, options.seq, session, asked.llm, attempt, error);
        },
      });
      span?.ended(result, undefined);
    } catch (caught) {
      span?.ended(undefined, caught === claimedElsewhere ? undefined : caught);
      let error = caught;
      if (asked.fallbacks.length > 0 && fallsBack(error)) {
        failures.push(error);
        if (log.warnOn) {
          log.warn(
            {
              ...fieldsOf(),
              status: error.statusCode ?? error.kind,
              error: error.message,
              next: asked.fallbacks[0]?.model,
            },
            "failed for good; asking the next model of the llm list",
          );
        }
        asked = nextFallback(asked);
        fields = undefined;
        continue;
      }
      if (failures.length > 0 && error instanceof ProviderError) error = new FallbacksFailedError(failures, error);
      throw failed(context, key, asked, options, error, { counted, requestMade, attempts, sentAt });
    }
  }
  // Members listed, not spread from `key`: a spread here costs more than the rest of the record.
  const callId = await store.saveResponse({
    agent: key.agent,
    hash: key.hash,
    occurrence: key.occurrence,
    seq: options.seq,
    session,
    provider: asked.llm.provider,
    model: asked.llm.model,
    canonical: call.canonical.json,
    documents: call.canonical.documents,
    result,
    raw: context.keepRaw ? raw : undefined,
    sentAt,
    receivedAt: Date.now(),
    mode: options.keepStored ? "keep" : "replace",
  });
  tally.received(asked.llm.model, result, callId, options.isNew);
  if (log.debugOn) {
    log.debug(
      {
        ...fieldsOf(),
        attempt: attempts,
        durationMs: Date.now() - attemptStartedAt,
        finishReason: result.finishReason.unified,
        inputTokens: result.usage.inputTokens,
        outputTokens: result.usage.outputTokens,
        textChars: result.text.length,
        toolCalls: result.toolCalls.length,
      },
      "receive",
    );
  }
  return result;
}

/**
 * A model's failure that lets the next model of the list answer: any provider error once
 * the strategy gave up retrying, except a refused API key, which stops the whole run.
 */
function fallsBack(error: unknown): error is ProviderError {
  return error instanceof ProviderError && !(error instanceof AuthenticationError);
}

/** The last model failed (or the call was stopped): counted, logged, located; returns the error to throw. */
function failed(
  context: SendContext,
  key: CallKey,
  asked: PreparedCall,
  options: SendOptions,
  error: unknown,
  progress: { counted: boolean; requestMade: boolean; attempts: number; sentAt: number },
): unknown {
  const { tally, log } = context;
  const stats = tally.stats;
  if (error === claimedElsewhere) return error;
  if (progress.counted && !progress.requestMade) stats.sent--;
  // Stopped by SIGINT/SIGTERM before it was sent or while it waited to be retried: the next run sends it.
  if (error instanceof Interrupted) {
    stats.interrupted++;
    return error;
  }
  stats.failed++;
  if (error instanceof ProviderError || error instanceof InputError) {
    error._locate(key.agent, askLocation(options.askSite));
  }
  if (log.warnOn) {
    const status = error instanceof ProviderError ? (error.statusCode ?? error.kind) : undefined;
    log.warn(
      {
        ...callFields(context.session, key, asked),
        attempt: progress.attempts,
        status,
        durationMs: Date.now() - progress.sentAt,
        error: errorMessage(error),
      },
      "call failed",
    );
  }
  // Recorded, and with no answer stored the next run does not send it again.
  if (error instanceof ProviderError && error.kind === "request-rejected" && options.isNew) {
    tally.failedForGood({
      agent: key.agent,
      provider: asked.llm.provider,
      model: asked.llm.model,
      statusCode: error.statusCode,
      message: error.providerMessage ?? error.message,
    });
  }
  return error;
}

/** `send`, whose first attempt waits for the call's claim and is not made without it. */
function claimFirst(claim: () => Promise<boolean>, send: () => Promise<LLMResult>): () => Promise<LLMResult> {
  let claimed = false;
  return async () => {
    if (!claimed) {
      if (!(await claim())) throw claimedElsewhere;
      claimed = true;
    }
    return send();
  };
}

/** A failed attempt whose request was sent, recorded for the call (best effort: a lost record loses no answer). */
export function recordFailedAttempt(
  store: Store,
  key: CallKey,
  seq: number,
  session: number,
  llm: { readonly provider: ProviderName; readonly model: string },
  attempt: number,
  error: ProviderError,
): void {
  void store
    .saveFailure({
      ...key,
      seq,
      session,
      provider: llm.provider,
      model: llm.model,
      attempt,
      kind: error.kind,
      statusCode: error.statusCode,
      message: error.providerMessage ?? error.message,
      requestId: error.requestId,
      at: Date.now(),
    })
    .catch(() => {});
}

/** The fields of every record about one call. */
export function callFields(session: number, key: CallKey, call: PreparedCall): LogFields {
  return {
    session,
    agent: key.agent,
    call: callLabel(key.hash, key.occurrence),
    provider: call.llm.provider,
    model: call.llm.model,
  };
}

/** The request's size in characters: its canonical JSON with the long strings it refers to. */
function requestChars(call: PreparedCall): number {
  let chars = call.canonical.json.length;
  for (const document of call.canonical.documents.values()) chars += document.length;
  return chars;
}

/**
 * One attempt at the provider, streamed into `stream` when a consumer asked for
 * one. Whatever the adapter or its SDK throws that is
 * not a `ParallellmError` (a check of the SDK's own, a body it could not build)
 * becomes a `ProviderRequestError`, so it is recorded with the attempt and
 * names the ask like every other failure. The raw response (asked for only
 * with `keepRaw`) goes to `keep`, not on with the result: user code gets what
 * a replay gives.
 */
async function generate(
  provider: Provider,
  call: PreparedCall,
  keepRaw: boolean,
  keep: (raw: string | undefined) => void,
  stream: AnswerStream | undefined,
) {
  try {
    const { raw, ...result }: GeneratedResult = stream
      ? await streamAttempt(provider, call, keepRaw, stream)
      : await provider.generate(call.request, { keepRaw });
    keep(raw);
    return result;
  } catch (error) {
    throw error instanceof ParallellmError ? error : foreignProviderError(error, call.llm.provider, call.llm.model);
  }
}

/** One attempt through the provider's streaming call; a provider without one refuses before anything is sent. */
function streamAttempt(
  provider: Provider,
  call: PreparedCall,
  keepRaw: boolean,
  stream: AnswerStream,
): Promise<GeneratedResult> {
  if (provider.stream === undefined) {
    const { provider: name, model } = call.llm;
    throw new InputError(
      `${name} (${model}) cannot stream answers: its provider has no streaming call, so nothing was sent. Await text() or value() instead of textStream()/partialValue(), or stream from an OpenAI, Anthropic or Gemini model.`,
    );
  }
  stream.attemptStarted();
  return provider.stream(call.request, { keepRaw, onTextDelta: (delta) => stream.delta(delta) });
}
