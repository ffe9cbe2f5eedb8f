/**
 * Resolves each ask: a stored answer is replayed; otherwise the strategy sends
 * the request and the answer is committed to the store before anyone sees it.
 */
import type { Provider } from "../providers/provider.js";
import {
  type AgentAnswers,
  type AnswerSpend,
  answerKey,
  type CallKey,
  type FailedCall,
  type Store,
  type StoredAnswer,
} from "../store/store.js";
import type { Strategy } from "../strategies/strategy.js";
import {
  AuthenticationError,
  foreignProviderError,
  InputError,
  Interrupted,
  NotAvailable,
  ParallellmError,
  ProviderError,
  ProviderRequestError,
} from "./errors.js";
import { describeFailedCall, failedForGoodError, isFailedForGood } from "./failed-for-good.js";
import type { LLMResult, ProviderName } from "./llm.js";
import type { PreparedCall } from "./prepare-call.js";
import type { ResponseHandle } from "./response-handle.js";

export interface RunStats {
  /** Asks made this run, however each was resolved. */
  asked: number;
  replayed: number;
  /** Calls of which a request went out (counted as the first attempt starts). */
  sent: number;
  received: number;
  /** Calls that failed, whether or not a request went out. */
  failed: number;
  /** Calls an interruption (SIGINT, SIGTERM) kept from being sent or retried: the next run sends them. */
  interrupted: number;
  /**
   * Of those, calls that failed for good (rejected by the provider, this run or
   * before, or failed in too many batches): not sent again unless `retryFailed`.
   */
  failedForGood: number;
  /** Requests that were made and failed (retried or not). */
  failedAttempts: number;
  /** Agents that stopped on an answer that is not available yet. */
  halted: number;
  /** Agents whose errors were recorded (`onError: "record"`). */
  failedAgents: number;
  inputTokens: number;
  outputTokens: number;
  /** Calls collected for provider batches (batch, hybrid). */
  collected: number;
  /** Asks whose call waits in a provider batch submitted by an earlier run. */
  inPendingBatches: number;
}

export interface ModelUsage {
  received: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
}

/** A call collected for a batch, and the agents waiting for it (hybrid). */
export interface CollectedEntry {
  readonly key: CallKey;
  readonly seq: number;
  readonly call: PreparedCall;
  /** Hybrid only: the ask's handle, should its round be sent directly. */
  readonly handle: ResponseHandle | undefined;
  /** The call failed in an earlier run: it goes again, it is not new. */
  readonly resubmitted: boolean;
  /** `collected`: undecided; `batched`: goes into a batch at close; `sent`: sent directly (hybrid). */
  state: "collected" | "batched" | "sent";
  /** Hybrid: whoever awaits the answer while its round is undecided. */
  waiters: { resolve: (result: LLMResult) => void; reject: (error: unknown) => void }[] | undefined;
}

export interface CallEngineOptions {
  readonly store: Store;
  readonly strategy: Strategy;
  readonly session: number;
  readonly providerFor: (name: ProviderName) => Provider;
}

export interface SendOptions {
  readonly seq: number;
  /** Keep the stored answer in use (`ignoreCache`) instead of replacing it. */
  readonly keepStored: boolean;
  /** A stack captured at the ask (`Error.captureStackTrace`), for its source location. */
  readonly askSite: { readonly stack?: string } | undefined;
  /** Nothing was stored for this call (as opposed to a deliberate resend). */
  readonly isNew: boolean;
}

export class CallEngine {
  readonly stats: RunStats = {
    asked: 0,
    replayed: 0,
    sent: 0,
    received: 0,
    failed: 0,
    interrupted: 0,
    failedForGood: 0,
    failedAttempts: 0,
    halted: 0,
    failedAgents: 0,
    inputTokens: 0,
    outputTokens: 0,
    collected: 0,
    inPendingBatches: 0,
  };
  /** Stored calls this run asked for (replayed or sent), for drift detection. */
  readonly askedCallIds = new Set<number>();
  /** Calls sent because nothing was stored for them (not `ignoreCache`/`rewriteCache` resends). */
  newCalls = 0;
  /** The first call that failed for good this run, named for the summary. */
  firstFailedForGood: string | undefined;
  readonly #options: CallEngineOptions;
  readonly #inFlight = new Set<Promise<unknown>>();
  /**
   * Stored answers of agents with a scope open, read on an agent's second ask (its
   * first is a point lookup: most agents, one per item of a forEach, ask once);
   * entries leave as they are replayed.
   */
  readonly #agentAnswers = new Map<string, { asked: boolean; answers: AgentAnswers | undefined }>();
  #fatal: Error | undefined;
  /** close() began: asks made from now on are refused. */
  #closing = false;
  readonly #collected: CollectedEntry[] = [];
  #pendingInBatches: ReadonlySet<string> = new Set();
  /** Calls without an answer that failed before, by `answerKey` (read at open). */
  #failedBefore: ReadonlyMap<string, FailedCall> = new Map();
  #retryFailed = false;
  /** Hybrid: how many collected calls each agent is waiting for. */
  readonly #waiting = new Map<string, number>();
  #roundCheckScheduled = false;
  #storeEmpty = false;
  readonly #models = new Map<string, ModelUsage>();
  /** Tokens of the answers replayed this run, by model: what replay saved. */
  readonly #replaySpend = new Map<string, Record<"direct" | "batch", { input: number; output: number }>>();

  constructor(options: CallEngineOptions) {
    this.#options = options;
  }

  /** An agent scope opens: its stored answers are read on its first ask. */
  enterAgent(agent: string): void {
    this.#agentAnswers.set(agent, { asked: false, answers: undefined });
  }

  leaveAgent(agent: string): void {
    this.#agentAnswers.delete(agent);
    if (this.#waiting.size > 0) this.#scheduleRoundCheck();
  }

  /** Answers received this run and their tokens, by model. */
  get models(): ReadonlyMap<string, Readonly<ModelUsage>> {
    return this.#models;
  }

  /** What the answers replayed this run cost when first made, summed by model and by batch or not. */
  replayedSpend(): AnswerSpend[] {
    return [...this.#replaySpend].flatMap(([model, totals]) =>
      (["direct", "batch"] as const)
        .filter((kind) => totals[kind].input + totals[kind].output > 0)
        .map((kind) => ({
          model,
          inputTokens: totals[kind].input,
          outputTokens: totals[kind].output,
          viaBatch: kind === "batch",
        })),
    );
  }

  /** The store held no answers when the run started (after ingesting batches). */
  setStoreEmpty(empty: boolean): void {
    this.#storeEmpty = empty;
  }

  /** Calls waiting in provider batches of earlier runs (read at open). */
  setPendingCalls(keys: ReadonlySet<string>): void {
    this.#pendingInBatches = keys;
  }

  /**
   * Calls without an answer that failed before (read at open). Those that failed for
   * good are not sent again, unless `retry` (the user asked to send them again).
   */
  setFailedCalls(calls: readonly FailedCall[], retry: boolean): void {
    this.#failedBefore = new Map(calls.map((call) => [answerKey(call), call]));
    this.#retryFailed = retry;
  }

  /**
   * The error of a call that failed for good in an earlier run, when it is not to be
   * sent again; the ask fails with it at once (counted as failed).
   */
  failedForGood(key: CallKey): ProviderError | undefined {
    if (this.#failedBefore.size === 0 || this.#retryFailed) return undefined;
    const failure = this.#failedBefore.get(answerKey(key));
    if (!failure || !isFailedForGood(failure)) return undefined;
    this.stats.failed++;
    this.#countFailedForGood(failure);
    return failedForGoodError(failure);
  }

  /** A call failed for good (this run or before): counted, and the first one named for the summary. */
  #countFailedForGood(failure: Parameters<typeof describeFailedCall>[0]): void {
    this.stats.failedForGood++;
    this.firstFailedForGood ??= describeFailedCall(failure);
  }

  /** True when the call waits in a provider batch: its answer is pending, not to be sent again. */
  inPendingBatch(key: CallKey): boolean {
    if (this.#pendingInBatches.size === 0 || !this.#pendingInBatches.has(answerKey(key))) return false;
    this.stats.inPendingBatches++;
    return true;
  }

  /** True when calls without an answer are collected for batches rather than sent. */
  get collects(): boolean {
    return this.#options.strategy.collect !== undefined;
  }

  /** True in dry-run: nothing is sent, not even asks that bypass the store (`ignoreCache`, `rewriteCache`). */
  get sendsNothing(): boolean {
    return this.#options.strategy.name === "dry-run";
  }

  /** Collect a call for a batch; awaiting it halts the agent (batch) or waits for the round (hybrid). */
  collect(key: CallKey, call: PreparedCall, seq: number, handle: ResponseHandle): void {
    // Only what submission needs (50,000 of these wait for close in a big round): no ask
    // location (a batch call fails in a later run), no handle unless hybrid may send it directly.
    const hybrid = (this.#options.strategy.collect?.directBelow ?? 0) > 0;
    const entry: CollectedEntry = {
      key,
      seq,
      call,
      handle: hybrid ? handle : undefined,
      resubmitted: this.#failedBefore.size > 0 && this.#failedBefore.has(answerKey(key)),
      state: "collected",
      waiters: undefined,
    };
    this.#collected.push(entry);
    this.stats.collected++;
    if (hybrid) handle._defer("absent", () => this.#awaitCollected(entry));
    else handle._halt(batchedHaltPromise);
  }

  /**
   * At close: the collected calls that go into batches. In hybrid, an undecided
   * remainder smaller than the round threshold is sent directly instead.
   */
  async takeCollected(): Promise<readonly CollectedEntry[]> {
    const directBelow = this.#options.strategy.collect?.directBelow ?? 0;
    const undecided = this.#collected.filter((entry) => entry.state === "collected");
    if (undecided.length > 0 && undecided.length < directBelow) {
      for (const entry of undecided) this.#sendCollected(entry);
      await this.drain();
    }
    return this.#collected.filter((entry) => entry.state !== "sent");
  }

  /** After close: let go of what the run held (collected calls, answers read ahead, asked ids). */
  release(): void {
    this.#collected.length = 0;
    this.#agentAnswers.clear();
    this.askedCallIds.clear();
  }

  /** The stored answer, when the store can answer synchronously; `null` when it cannot. */
  lookupSync(key: CallKey, model: string): StoredAnswer | undefined | null {
    // A store with no answers at open cannot answer any ask of this run: each identity is asked once.
    if (this.#storeEmpty) return undefined;
    const store = this.#options.store;
    let answer: StoredAnswer | undefined;
    const entry = this.#agentAnswers.get(key.agent);
    if (entry && !entry.asked && store.lookupSync) {
      entry.asked = true;
      answer = store.lookupSync(key);
    } else if (entry && store.agentAnswersSync) {
      entry.answers ??= store.agentAnswersSync(key.agent);
      const byOccurrence = entry.answers.get(key.hash);
      if (byOccurrence) {
        answer = byOccurrence[key.occurrence];
        // Each identity is asked once per run: let the memory go.
        byOccurrence[key.occurrence] = undefined;
      }
    } else if (store.lookupSync) {
      answer = store.lookupSync(key);
    } else {
      return null;
    }
    if (answer) this.#replayed(answer, model);
    return answer;
  }

  /** Lookup for stores without a synchronous path, then send if nothing is stored. */
  async lookupThenSend(key: CallKey, call: PreparedCall, options: SendOptions): Promise<LLMResult> {
    const answer = await this.#options.store.lookup(key);
    if (answer) {
      this.#replayed(answer, call.llm.model);
      return answer.result;
    }
    return this.send(key, call, options);
  }

  /** The provider for a call; throws at the ask when none is configured. */
  providerFor(name: ProviderName): Provider {
    return this.#options.providerFor(name);
  }

  send(key: CallKey, call: PreparedCall, options: SendOptions): Promise<LLMResult> {
    const promise = this.#send(key, call, options);
    this.#inFlight.add(promise);
    const forget = () => this.#inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /** Send nothing more (interruption): queued and new calls reject with `reason`; calls in flight finish. */
  stopSending(reason: Error): void {
    this.#fatal ??= reason;
    this.#options.strategy.stop(reason);
  }

  /**
   * close() began: every later ask is refused before anything is sent or collected, so
   * no request goes out whose answer the closing store could not keep.
   */
  refuseAsks(): void {
    this.#closing = true;
  }

  /** Throws when asks are refused: an interrupted run halts the agent; otherwise asking after close() is a mistake. */
  assertTakingAsks(agent: string): void {
    if (!this.#closing) return;
    if (this.#fatal instanceof Interrupted) throw this.#fatal;
    throw new InputError(
      `Agent "${agent}" asked after close() began, so nothing was sent. Await every pllm.agent(...) and pllm.forEach(...) before closing the workspace.`,
    );
  }

  /** Resolves when every sent call has been answered or has failed. */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    await this.#options.strategy.drain();
  }

  /** Hybrid: wait for the round to be decided. */
  #awaitCollected(entry: CollectedEntry): Promise<LLMResult> {
    if (entry.state === "batched") return batchedHaltPromise;
    return new Promise((resolve, reject) => {
      entry.waiters ??= [];
      entry.waiters.push({ resolve, reject });
      this.#waiting.set(entry.key.agent, (this.#waiting.get(entry.key.agent) ?? 0) + 1);
      this.#scheduleRoundCheck();
    });
  }

  #scheduleRoundCheck(): void {
    if (this.#roundCheckScheduled) return;
    this.#roundCheckScheduled = true;
    setImmediate(() => {
      this.#roundCheckScheduled = false;
      this.#checkRound();
    });
  }

  /**
   * Hybrid: when every open agent waits for collected calls, the round is
   * complete. A small round is sent directly; a large one goes into batches and
   * its agents halt.
   */
  #checkRound(): void {
    const open = [...this.#agentAnswers.keys()];
    if (open.length === 0 || open.some((agent) => !this.#waiting.get(agent))) return;
    const round = this.#collected.filter((entry) => entry.state === "collected");
    this.#waiting.clear();
    if (round.length < (this.#options.strategy.collect?.directBelow ?? 0)) {
      for (const entry of round) this.#sendCollected(entry);
      return;
    }
    for (const entry of round) {
      entry.state = "batched";
      const halt = haltSignal(`Ask #${entry.seq} of agent "${entry.key.agent}" goes into a batch at close.`);
      for (const waiter of entry.waiters?.splice(0) ?? []) waiter.reject(halt);
    }
  }

  #sendCollected(entry: CollectedEntry): void {
    entry.state = "sent";
    this.stats.collected--;
    const promise = this.send(entry.key, entry.call, {
      seq: entry.seq,
      keepStored: false,
      askSite: undefined,
      isNew: true,
    });
    entry.handle?._await(promise);
    for (const waiter of entry.waiters?.splice(0) ?? []) promise.then(waiter.resolve, waiter.reject);
  }

  #replayed(answer: StoredAnswer, model: string): void {
    this.stats.replayed++;
    if (answer.inputTokens !== undefined) {
      // Priced by the model this ask names (with hashBy leaving out the llm, the stored one may differ).
      let totals = this.#replaySpend.get(model);
      if (!totals) {
        totals = { direct: { input: 0, output: 0 }, batch: { input: 0, output: 0 } };
        this.#replaySpend.set(model, totals);
      }
      const bucket = answer.viaBatch ? totals.batch : totals.direct;
      bucket.input += answer.inputTokens;
      bucket.output += answer.outputTokens ?? 0;
    }
    this.askedCallIds.add(answer.callId);
  }

  async #send(key: CallKey, call: PreparedCall, options: SendOptions): Promise<LLMResult> {
    if (this.#fatal) {
      if (this.#fatal instanceof Interrupted) this.stats.interrupted++;
      else this.stats.failed++;
      throw this.#fatal;
    }
    const { store, strategy, session } = this.#options;
    const provider = this.providerFor(call.llm.provider);
    const sentAt = Date.now();
    // `sent` counts a call as its first attempt starts (the live panel shows it in flight),
    // and takes it back if no attempt made a request after all (no API key).
    let counted = false;
    let requestMade = false;
    let result: LLMResult;
    try {
      result = await strategy.run({
        provider: call.llm.provider,
        model: call.llm.model,
        request: call.request,
        send: () => {
          if (!counted) {
            counted = true;
            this.stats.sent++;
          }
          return generate(provider, call);
        },
        attemptFailed: (error, attempt) => {
          if (!error.requestSent) return;
          requestMade = true;
          this.stats.failedAttempts++;
          void store
            .saveFailure({
              ...key,
              seq: options.seq,
              session,
              provider: call.llm.provider,
              model: call.llm.model,
              attempt,
              kind: error.kind,
              statusCode: error.statusCode,
              message: error.providerMessage ?? error.message,
              requestId: error.requestId,
              at: Date.now(),
            })
            .catch(() => {});
        },
      });
    } catch (error) {
      if (counted && !requestMade) this.stats.sent--;
      // Stopped by SIGINT/SIGTERM before it was sent or while it waited to be retried: the next run sends it.
      if (error instanceof Interrupted) {
        this.stats.interrupted++;
        throw error;
      }
      this.stats.failed++;
      if (error instanceof ProviderError || error instanceof InputError) {
        error._locate(key.agent, askLocation(options.askSite));
      }
      // Recorded, and with no answer stored the next run does not send it again.
      if (error instanceof ProviderRequestError && options.isNew) {
        this.#countFailedForGood({
          agent: key.agent,
          provider: call.llm.provider,
          model: call.llm.model,
          statusCode: error.statusCode,
          message: error.providerMessage ?? error.message,
        });
      }
      if (error instanceof AuthenticationError && !this.#fatal) {
        this.#fatal = error;
        strategy.stop(error);
      }
      throw error;
    }
    // Members listed, not spread from `key`: a spread here costs more than the rest of the record.
    const callId = await store.saveResponse({
      agent: key.agent,
      hash: key.hash,
      occurrence: key.occurrence,
      seq: options.seq,
      session,
      provider: call.llm.provider,
      model: call.llm.model,
      canonical: call.canonical.json,
      documents: call.canonical.documents,
      result,
      sentAt,
      receivedAt: Date.now(),
      mode: options.keepStored ? "keep" : "replace",
    });
    this.askedCallIds.add(callId);
    if (options.isNew) this.newCalls++;
    this.stats.received++;
    this.stats.inputTokens += result.usage.inputTokens ?? 0;
    this.stats.outputTokens += result.usage.outputTokens ?? 0;
    const model = this.#models.get(call.llm.model) ?? {
      received: 0,
      inputTokens: 0,
      outputTokens: 0,
      cachedInputTokens: 0,
    };
    model.received++;
    model.inputTokens += result.usage.inputTokens ?? 0;
    model.outputTokens += result.usage.outputTokens ?? 0;
    model.cachedInputTokens += result.usage.cachedInputTokens ?? 0;
    this.#models.set(call.llm.model, model);
    return result;
  }
}

/**
 * One attempt at the provider. Whatever the adapter or its SDK throws that is
 * not a `ParallellmError` (a check of the SDK's own, a body it could not build)
 * becomes a `ProviderRequestError`, so it is recorded with the attempt and
 * names the ask like every other failure.
 */
async function generate(provider: Provider, call: PreparedCall): Promise<LLMResult> {
  try {
    return await provider.generate(call.request);
  } catch (error) {
    throw error instanceof ParallellmError ? error : foreignProviderError(error, call.llm.provider, call.llm.model);
  }
}

/**
 * What awaiting a batched call throws. One object for all (a big batch round halts
 * 50,000 agents): agent scopes catch it, and it is only seen by code that catches it itself.
 */
const batchedHalt = haltSignal(
  "This answer goes into a provider batch when the run closes; the agent stops here, and a later run continues from this ask once the batch is done.",
);
/** `batchedHalt` as a rejected promise, marked handled: awaiting it costs no unhandled-rejection bookkeeping. */
const batchedHaltPromise: Promise<never> = Promise.reject(batchedHalt);
batchedHaltPromise.catch(() => {});

/**
 * A NotAvailable without a stack trace: thrown once per halted agent (50,000 in a
 * big batch round), caught by the agent scope, never shown — the stack is pure cost.
 */
export function haltSignal(message: string): NotAvailable {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new NotAvailable(message);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** `file:line:column` of the user's ask, from an Error captured there. */
export function askLocation(site: { readonly stack?: string } | undefined): string | undefined {
  const stack = site?.stack;
  if (!stack) return undefined;
  for (const line of stack.split("\n").slice(1)) {
    const match = /\(?((?:file:\/\/)?[^()\s]+:\d+:\d+)\)?\s*$/.exec(line.trim());
    if (match && !/node_modules|node:internal/.test(match[1])) return match[1].replace(/^file:\/\//, "");
  }
  return undefined;
}
