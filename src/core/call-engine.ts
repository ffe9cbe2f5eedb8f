/**
 * Resolves each prepared call: a stored answer is replayed, a call waiting in a
 * provider batch is pending, one that failed for good fails again; otherwise the
 * strategy decides, and the call is collected for a batch or sent, its answer
 * committed to the store before anyone sees it.
 */
import type { CollectedCall, SubmitReport } from "../batch/submit-batches.js";
import type { Provider } from "../providers/provider.js";
import type { CallKey, Store } from "../store/store.js";
import { haltSignal } from "../strategies/batch-halt.js";
import type { CollectHost, Strategy, StrategyReport } from "../strategies/strategy.js";
import { inShard, type Shard } from "./agent-shard.js";
import { type AskSite, askLocation } from "./ask-location.js";
import { CallClaims, defaultClaimLeaseMs } from "./call-claims.js";
import type { AskOptions, ResolvedModel } from "./call-options.js";
import { type ClaimedSendHost, sendClaimed } from "./claimed-send.js";
import { EarlierOutcomes } from "./earlier-outcomes.js";
import { AuthenticationError, InputError, Interrupted } from "./errors.js";
import { failedForGoodError } from "./failed-for-good.js";
import { fallbackAfter, requestFor } from "./fallback-chain.js";
import { IdleRounds } from "./idle-rounds.js";
import type { LLMResult, ProviderName } from "./llm.js";
import type { Log } from "./log.js";
import type { PreparedCall } from "./prepare-call.js";
import { ReplayLookup } from "./replay-lookup.js";
import type { ResponseHandle } from "./response-handle.js";
import { RunTally } from "./run-tally.js";
import type { RunTelemetry } from "./run-telemetry.js";
import { callFields, type SendContext, type SendOptions, sendCall } from "./send-call.js";
import { EmbeddingSender } from "./send-embeddings.js";
import { ShardWaits } from "./shard-waits.js";

export type { ModelUsage, RunStats } from "./run-tally.js";

export interface CallEngineOptions {
  readonly store: Store;
  readonly strategy: Strategy;
  readonly session: number;
  readonly providerFor: (name: ProviderName) => Provider;
  /** Store each answer's raw provider response with it. */
  readonly keepRaw: boolean;
  readonly log: Log;
  /** How long a claim of a call being sent lasts unless renewed (a store shared by workers). @default 60000 */
  readonly claimLeaseMs?: number | undefined;
  /**
   * This worker sends only the calls of the agents of its shard; the others' wait for their
   * workers: in this run with `shard.wait`, else by halting their agents.
   */
  readonly shard?: Shard | undefined;
  /** Where spans go, when the run was given a tracer. */
  readonly telemetry?: RunTelemetry | undefined;
}

/** Where an ask was made: captured already, or a function that captures it (only calls that are sent or fail need it). */
export type AskSiteSource = AskSite | (() => AskSite);

export class CallEngine {
  /** The counts of this run. */
  readonly tally = new RunTally();
  /** What earlier runs left: calls pending in batches, calls that failed (read at open). */
  readonly #earlier = new EarlierOutcomes();
  readonly #options: CallEngineOptions;
  readonly #log: Log;
  readonly #replay: ReplayLookup;
  readonly #rounds: IdleRounds;
  readonly #inFlight = new Set<Promise<unknown>>();
  #fatal: Error | undefined;
  /** Provider and model of each model sent directly for want of a Batch API (warned once). */
  readonly #unbatchable = new Set<string>();
  /** close() began: asks made from now on are refused. */
  #closing = false;
  /** What the strategy may ask of the engine: made once, handed over with every collected call. */
  readonly #host: CollectHost;
  readonly #sendContext: SendContext;
  /** Sends embedding calls in chunks (`agent.embed`). */
  readonly #embeddings: EmbeddingSender;
  /** Claims of calls sent, when the store is shared by workers; `undefined` otherwise (nothing is claimed). */
  readonly #claimed: ClaimedSendHost | undefined;
  readonly #telemetry: RunTelemetry | undefined;
  /** Other shards' answers this run waits for (`shard.wait`), when it sends directly. */
  readonly #shardWaits: ShardWaits | undefined;

  constructor(options: CallEngineOptions) {
    this.#options = options;
    this.#log = options.log;
    this.#replay = new ReplayLookup(options.store);
    const { store, strategy, session, providerFor, keepRaw, log, telemetry } = options;
    this.#telemetry = telemetry;
    this.#sendContext = { store, strategy, session, providerFor, keepRaw, tally: this.tally, log, telemetry };
    this.#embeddings = new EmbeddingSender(this.#sendContext);
    const claims = CallClaims.for(store, session, options.claimLeaseMs ?? defaultClaimLeaseMs);
    // A collecting strategy's calls may wait in another worker's batch for hours: those agents halt.
    this.#shardWaits =
      options.shard?.wait && !strategy.collects
        ? new ShardWaits((key) => store.lookup(key), options.claimLeaseMs ?? defaultClaimLeaseMs)
        : undefined;
    this.#claimed = claims && {
      claims,
      stopped: () => this.#fatal !== undefined,
      refuse: () => this.#refuseSend(),
    };
    this.#host = {
      sendCollected: (call, handle) => {
        this.tally.stats.collected--;
        const options = { seq: call.seq, keepStored: false, askSite: undefined, isNew: true, handle };
        return this.#send(call.key, call.call, options);
      },
      waits: (agent) => this.#rounds.waits(agent),
    };
    this.#rounds = new IdleRounds(
      () => this.#replay.openAgents(),
      () => options.strategy.roundIdle(this.#host),
    );
  }

  /** An agent scope opens: its stored answers are read on its first ask. */
  enterAgent(agent: string): void {
    this.#replay.enterAgent(agent);
    this.#telemetry?.agentStarted(agent);
  }

  /** An agent scope closes; `error` is what its function threw, if anything (for telemetry). */
  leaveAgent(agent: string, error?: unknown): void {
    this.#telemetry?.agentEnded(agent, error);
    this.#replay.leaveAgent(agent);
    this.#rounds.agentLeft();
  }

  /**
   * At open, after ingesting batches: what earlier runs left (calls pending in batches,
   * calls that failed; those that failed for good are sent again only with `retryFailed`).
   */
  async readStore(retryFailed: boolean): Promise<void> {
    const store = this.#options.store;
    // Read together: on a database server, three round trips cost as one.
    const [pending, failed, hasAnswers] = await Promise.all([
      store.pendingCalls(),
      store.failedCalls(),
      store.hasAnswers(),
    ]);
    this.#earlier.setPendingCalls(pending);
    this.#earlier.setFailedCalls(failed, retryFailed);
    // A store with no answers cannot answer any ask of this run.
    this.#replay.storeEmpty = !hasAnswers;
  }

  /** True when calls without an answer may be collected for batches rather than sent. */
  get collects(): boolean {
    return this.#options.strategy.collects;
  }

  /**
   * An ask is made: refused once close() began (an interrupted run halts the agent;
   * otherwise asking after close() is a mistake), counted otherwise.
   */
  admit(agent: string): void {
    if (this.#closing) {
      if (this.#fatal instanceof Interrupted) throw this.#fatal;
      throw new InputError(
        `Agent "${agent}" asked after close() began, so nothing was sent. Await every pllm.agent(...) and pllm.forEach(...) before closing the workspace.`,
      );
    }
    this.tally.stats.asked++;
  }

  /**
   * Give `handle` the answer of one prepared call: replayed, waiting in a provider
   * batch, failed for good, collected for a batch or sent (the strategy decides).
   * Throws at the ask when the call's provider is not configured or refuses the request.
   */
  resolve(handle: ResponseHandle, key: CallKey, call: PreparedCall, options: AskOptions, site: AskSiteSource): void {
    const useStored = !options.ignoreCache && !options.rewriteCache;
    const stored = useStored ? this.#replay.lookupSync(key) : undefined;
    if (stored) {
      this.tally.replayed(stored, call.llm.model);
      if (this.#log.debugOn) this.#decided(key, call, "replayed");
      this.#telemetry?.callReplayed(key, call, stored);
      handle._ready(stored, true);
      return;
    }
    // Refused here, not at send or at batch close: an ask the provider cannot take fails where it was made.
    const providerFor = this.#options.providerFor;
    providerFor(call.llm.provider).checkRequest?.(call.request);
    for (const fallback of call.fallbacks) providerFor(fallback.provider).checkRequest?.(requestFor(call, fallback));
    if (stored === null) this.#lookupThenRoute(handle, key, call, options, siteOf(site));
    else this.#route(handle, key, call, options, useStored, site);
  }

  /**
   * Refuses, at `embed`, a model whose provider has no embeddings endpoint, naming what to use.
   * @throws InputError
   */
  checkEmbeddings(llm: ResolvedModel): void {
    if (this.#options.providerFor(llm.provider).embeddings) return;
    throw new InputError(
      `embed() cannot use ${llm.provider} (${llm.model}): that provider has no embeddings in parallellm. Use an OpenAI embedding model ("text-embedding-3-small", also any OpenAI-compatible server's embeddings through createOpenAIProvider) or a Gemini one ("gemini-embedding-001"); Anthropic offers none and recommends Voyage AI, which speaks no API parallellm has yet.`,
    );
  }

  /** A store without a synchronous path: look the answer up first, in every strategy; awaiting the handle waits for it. */
  #lookupThenRoute(handle: ResponseHandle, key: CallKey, call: PreparedCall, options: AskOptions, site: AskSite): void {
    const routed = this.#replay.lookup(key).then((answer) => {
      if (!answer) return this.#route(handle, key, call, options, true, site);
      this.tally.replayed(answer, call.llm.model);
      if (this.#log.debugOn) this.#decided(key, call, "replayed");
      this.#telemetry?.callReplayed(key, call, answer);
      handle._ready(answer, true);
    });
    const settled = routed.catch((error: unknown) => handle._fail(error));
    handle._defer("absent", () => settled.then(() => handle.result()));
    this.#track(settled);
  }

  #route(
    handle: ResponseHandle,
    key: CallKey,
    call: PreparedCall,
    options: AskOptions,
    useStored: boolean,
    site: AskSiteSource,
  ): void {
    const seq = handle.seq;
    const log = this.#log;
    if (useStored && this.#earlier.inPendingBatch(key)) {
      this.tally.stats.inPendingBatches++;
      if (log.debugOn) this.#decided(key, call, "pending in a provider batch");
      handle._defer("pending", () =>
        Promise.reject(haltSignal(`Ask #${seq} of agent "${key.agent}" waits in a provider batch.`)),
      );
      return;
    }
    let failure = useStored ? this.#earlier.failedForGood(key) : undefined;
    // A model of the list failed for good in an earlier run (in a batch, or directly): the next one is asked.
    const fallback = failure && call.fallbacks.length > 0 ? fallbackAfter(call, failure) : undefined;
    if (fallback) {
      if (log.infoOn) {
        log.info(
          { ...this.#fields(key, fallback), failedModel: failure?.model },
          "failed for good in an earlier run; asking the next model of the llm list",
        );
      }
      call = fallback;
      failure = undefined;
    }
    if (failure) {
      this.tally.stats.failed++;
      this.tally.failedForGood(failure);
      if (log.warnOn) {
        log.warn(
          { ...this.#fields(key, call), status: failure.statusCode, error: failure.message },
          "failed for good in an earlier run; not sent again (retryFailed sends it)",
        );
      }
      handle._fail(failedForGoodError(failure)._locate(key.agent, askLocation(siteOf(site))));
      return;
    }
    const shard = this.#options.shard;
    // A deliberate resend (`ignoreCache`) never finds a stored answer, so it is sent by the worker that asks it.
    if (shard && useStored && !inShard(key.agent, shard)) {
      this.tally.stats.waitingForShard++;
      if (log.debugOn) this.#decided(key, call, "waits for another shard's worker");
      const halt = () => haltSignal(`Ask #${seq} of agent "${key.agent}" waits for the worker of another shard.`);
      const waits = this.#shardWaits;
      let waited: Promise<LLMResult> | undefined;
      handle._defer("pending", () => {
        if (!waits) return Promise.reject(halt());
        waited ??= waits.wait(key, halt).then((answer) => {
          this.tally.stats.waitingForShard--;
          this.tally.replayed(answer, call.llm.model);
          this.#telemetry?.callReplayed(key, call, answer);
          handle._ready(answer, true);
          return answer.result;
        });
        return waited;
      });
      return;
    }
    const strategy = this.#options.strategy;
    // Only a collecting strategy asks whether the provider can batch: a map lookup per ask not stored.
    const batchable = !strategy.collects || batchTakes(this.#options.providerFor(call.llm.provider), call);
    if (strategy.decide(!useStored, batchable) === "collect") {
      const collected: CollectedCall = { key, seq, call, resubmitted: this.#earlier.failedBefore(key) };
      this.tally.stats.collected++;
      if (log.debugOn) this.#decided(key, call, "collected");
      this.#options.strategy.collect(collected, handle, this.#host);
      return;
    }
    if (!batchable) this.#sentDirectly(call);
    const sendOptions = {
      seq,
      keepStored: options.ignoreCache === true,
      askSite: siteOf(site),
      isNew: useStored,
      handle,
    };
    handle._await(this.#send(key, call, sendOptions));
  }

  #send(key: CallKey, call: PreparedCall, options: SendOptions): Promise<LLMResult> {
    const promise = this.#fatal
      ? this.#refuseSend()
      : this.#sendOnce(key, call, options).catch((error: unknown) => {
          // A key the provider refuses fails every call: send nothing more.
          if (error instanceof AuthenticationError && !this.#fatal) {
            this.#log.error(
              { ...this.#fields(key, call), error: error.message },
              "the provider refused the API key; nothing more is sent",
            );
            this.stopSending(error);
          }
          throw error;
        });
    return this.#track(promise);
  }

  #sendOnce(key: CallKey, call: PreparedCall, options: SendOptions): Promise<LLMResult> {
    const send = call.request.embedding ? this.#embeddings.send : sendCall;
    const claimed = this.#claimed;
    // Only a call nothing was stored for is claimed: a deliberate resend (`ignoreCache`) is this worker's own.
    return claimed && options.isNew
      ? sendClaimed(this.#sendContext, claimed, key, call, options, send)
      : send(this.#sendContext, key, call, options);
  }

  /** The first call of a model without a Batch API that a collecting strategy sends directly: one warning per model. */
  #sentDirectly(call: PreparedCall): void {
    const { provider, model } = call.llm;
    const label = `${provider}\u0000${model}`;
    if (this.#unbatchable.has(label)) return;
    this.#unbatchable.add(label);
    const what = call.request.embedding ? "takes no embeddings in batches" : "has no Batch API";
    this.#log.warn(
      { provider, model, strategy: this.#options.strategy.name },
      `${provider} ${what} in this run: the calls of ${model} are sent directly, at the full price (one warning per model)`,
    );
  }

  /** A debug record of what became of an ask (replayed, pending, collected). */
  #decided(key: CallKey, call: PreparedCall, decision: string): void {
    this.#log.debug(this.#fields(key, call), decision);
  }

  #fields(key: CallKey, call: PreparedCall) {
    return callFields(this.#options.session, key, call);
  }

  /** After a fatal error (interruption, authentication): nothing more is sent. */
  #refuseSend(): Promise<never> {
    if (this.#fatal instanceof Interrupted) this.tally.stats.interrupted++;
    else this.tally.stats.failed++;
    return Promise.reject(this.#fatal);
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#inFlight.add(promise);
    const forget = () => this.#inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /** Send nothing more (interruption): queued and new calls reject with `reason`; calls in flight finish. */
  stopSending(reason: Error): void {
    this.#fatal ??= reason;
    this.#shardWaits?.stop();
    this.#options.strategy.stop(reason);
  }

  /**
   * close() began: every later ask is refused before anything is sent or collected, so
   * no request goes out whose answer the closing store could not keep.
   */
  refuseAsks(): void {
    this.#closing = true;
    this.#shardWaits?.stop();
  }

  /** Resolves when every sent call has been answered or has failed, and every lookup has routed its call. */
  async drain(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
    await this.#options.strategy.drain();
    await this.#claimed?.claims.close();
  }

  /** At close, after `drain`: the strategy submits (or reports) what it collected. */
  closeStrategy(submit: (calls: readonly CollectedCall[]) => Promise<SubmitReport>): Promise<StrategyReport> {
    return this.#options.strategy.close({ ...this.#host, submit, drain: () => this.drain() });
  }

  /** After close: let go of what the run held (answers read ahead, asked ids). */
  release(): void {
    this.#replay.clear();
    this.tally.askedCallIds.clear();
  }
}

/** Whether `provider`'s Batch API takes `call`: embeddings only where it says so. */
function batchTakes(provider: Provider, call: PreparedCall): boolean {
  const batch = provider.batch;
  return batch !== undefined && (call.request.embedding === undefined || batch.takesEmbeddings === true);
}

function siteOf(site: AskSiteSource): AskSite {
  return typeof site === "function" ? site() : site;
}
