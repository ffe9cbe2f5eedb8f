/**
 * The entry point: a workspace, its store, a strategy and the providers,
 * wired together for one run (a session).
 */
import { join } from "node:path";
import { format } from "node:util";
import type { CancelBatchesOptions, CancelBatchesReport } from "./batch/cancel-batches.js";
import { WorkspaceBatches } from "./batch/workspace-batches.js";
import { Agent, type AgentContext, AgentState } from "./core/agent.js";
import { inShard } from "./core/agent-shard.js";
import { CallEngine } from "./core/call-engine.js";
import type { CallDefaults } from "./core/call-options.js";
import { ConversationBook } from "./core/conversation-book.js";
import { InputError, Interrupted } from "./core/errors.js";
import { resolveChain } from "./core/fallback-chain.js";
import { IdentityCache } from "./core/identity-cache.js";
import type { Log, LogLevel } from "./core/log.js";
import { mergeCallOptions } from "./core/prepare-call.js";
import type { RunStats } from "./core/run-tally.js";
import { encodeUserdata } from "./core/userdata-codec.js";
import { type CostReport, costReport } from "./dashboard/cost-report.js";
import { progressSnapshot } from "./dashboard/progress-snapshot.js";
import { formatSummary, type RunSummary } from "./dashboard/run-summary.js";
import type { ForEachOptions, ParallellmOptions, RunOptions } from "./parallellm-options.js";
import type { ModelPrice } from "./providers/model-prices.js";
import type { ProviderRouter } from "./providers/router.js";
import { AgentDefaultsCheck, checkAgentArguments, checkNotRunning, endsAgent } from "./run/agent-scope.js";
import { checkForEachOptions, checkOpenOptions, checkWorkspaceDirectory } from "./run/check-open-options.js";
import { closeSummary, strictDriftError } from "./run/close-summary.js";
import { forEachItem } from "./run/for-each-workers.js";
import { type InspectOptions, inspectWorkspace } from "./run/inspect-workspace.js";
import { loadUserdata } from "./run/load-userdata.js";
import { createRunLog, runLogLevel } from "./run/run-log.js";
import { RunOutput } from "./run/run-output.js";
import { createStrategy, loadPrices, pickDefaults } from "./run/run-parts.js";
import { runPipeline } from "./run/run-pipeline.js";
import { createProviderRouter, defaultLLM } from "./run/run-providers.js";
import { installSignalHandlers } from "./run/signal-handlers.js";
import { makeWorkspaceDirectory } from "./run/workspace-directory.js";
import { createSqliteStore } from "./store/sqlite/sqlite-store.js";
import type { Store } from "./store/store.js";
import type { WorkspaceReader } from "./store/workspace-reader.js";
import type { OtelRunTelemetry } from "./telemetry/otel-run-telemetry.js";
import { loadTelemetry, type StartTelemetry } from "./telemetry/start-telemetry.js";

export class Parallellm implements AsyncDisposable {
  /** The workspace directory. */
  readonly directory: string;
  /** This run's session number (1 for the first run of a workspace). */
  readonly session: number;
  readonly #store: Store;
  readonly #engine: CallEngine;
  readonly #conversations: ConversationBook;
  /** What every agent scope shares. */
  readonly #agentContext: AgentContext;
  readonly #options: ParallellmOptions;
  readonly #defaults: CallDefaults;
  readonly #agents = new Map<string, AgentState>();
  readonly #defaultsCheck: AgentDefaultsCheck;
  readonly #startedAt: number;
  readonly #batches: WorkspaceBatches;
  #removeSignalHandlers: (() => void) | undefined;
  readonly #output: RunOutput;
  readonly #log: Log;
  readonly #items = { done: 0, total: 0 };
  /** With a shard, whether a top-level agent is this worker's (forEach runs those first). */
  readonly #ownsAgent: ((agent: string) => boolean) | undefined;
  readonly #prices: Readonly<Record<string, ModelPrice>>;
  #closed: Promise<RunSummary> | undefined;
  /** The run's spans, when a tracer was given (`telemetry`). */
  readonly #telemetry: OtelRunTelemetry | undefined;
  /** The signal that stopped this run, if one did. */
  #interruptedBy: NodeJS.Signals | undefined;

  private constructor(
    directory: string,
    store: Store,
    session: number,
    options: ParallellmOptions,
    startedAt: number,
    registry: ProviderRouter,
    logLevel: LogLevel,
    startTelemetry: StartTelemetry | undefined,
  ) {
    this.directory = directory;
    this.session = session;
    this.#store = store;
    this.#options = options;
    this.#startedAt = startedAt;
    this.#defaults = { ...pickDefaults(options), llm: defaultLLM(options, registry) };
    this.#prices = { ...loadPrices(options.pricesFile), ...options.prices };
    this.#telemetry = startTelemetry?.({
      workspace: directory,
      session,
      strategy: options.strategy ?? "async",
      prices: this.#prices,
    });
    this.#defaultsCheck = new AgentDefaultsCheck(registry);
    this.#output = new RunOutput(options.summary);
    this.#log = createRunLog(logLevel, options.logger, (line) => this.#output.note(line));
    this.#batches = new WorkspaceBatches({
      store,
      session,
      directory,
      providers: registry,
      settings: options.batch ?? {},
      cohortLock: options.cohortLock,
      keepRaw: options.keepRaw === true,
      say: this.#output.say,
      log: this.#log,
    });
    this.#engine = new CallEngine({
      store,
      strategy: createStrategy(options, store),
      session,
      providerFor: (name) => registry.get(name),
      keepRaw: options.keepRaw === true,
      log: this.#log,
      claimLeaseMs: options.claimLeaseMs,
      shard: options.shard,
      telemetry: this.#telemetry,
    });
    const shard = options.shard;
    this.#ownsAgent = shard && ((agent) => inShard(agent, shard));
    this.#conversations = new ConversationBook(store, session);
    this.#agentContext = {
      engine: this.#engine,
      resolveLLM: registry.resolve,
      identity: new IdentityCache(),
      conversations: this.#conversations,
      log: (text) => this.#output.log(text),
    };
  }

  /**
   * Open (or create) a workspace and start a session.
   *
   * @example
   * await using pllm = await Parallellm.open(".pllm/tournament", { llm: "gpt-4.1-mini" });
   */
  static async open(directory: string, options: ParallellmOptions = {}): Promise<Parallellm> {
    checkWorkspaceDirectory(directory);
    checkOpenOptions(options);
    const logLevel = runLogLevel(options);
    const strategy = options.strategy ?? "async";
    const registry = createProviderRouter(options);
    // An unknown model, or one whose provider is not registered, is refused now rather than at the first ask.
    const llm = defaultLLM(options, registry);
    if (llm !== undefined) resolveChain(llm, registry.resolve);
    const startedAt = Date.now();
    const path = makeWorkspaceDirectory(directory);
    const startTelemetry = options.telemetry ? await loadTelemetry(options.telemetry) : undefined;
    const store = options.store ?? (await createSqliteStore(join(path, "store.sqlite"), { lock: options.lock }));
    let pllm: Parallellm | undefined;
    try {
      const session = await store.beginSession({ strategy, pid: process.pid, startedAt });
      pllm = new Parallellm(path, store, session, options, startedAt, registry, logLevel, startTelemetry);
      const synced = await pllm.#batches.sync();
      pllm.#telemetry?.batchesIngested(synced);
      await pllm.#engine.readStore(options.retryFailed === true);
      pllm.#log.info(
        {
          session,
          strategy,
          batchesIngested: synced.ingested,
          answersIngested: synced.answers,
          batchesPending: synced.pending,
        },
        "session opened",
      );
    } catch (error) {
      if (pllm) pllm.#telemetry?.runEnded(undefined, error);
      // A failed open must not keep the workspace locked.
      await store.close().catch(() => {});
      throw error;
    }
    pllm.#installSignalHandlers();
    pllm.#output.startDashboard(options, () =>
      progressSnapshot({
        strategy,
        startedAt,
        tally: pllm.#engine.tally,
        ingestedAtOpen: pllm.#batches.ingestedUsage,
        batchesPending: pllm.#batches.synced?.pending ?? 0,
        items: pllm.#items,
        prices: pllm.#prices,
      }),
    );
    return pllm;
  }

  /**
   * Read a workspace without changing it: no lock, no session, no network call,
   * while a pipeline may be writing to it.
   *
   * @example
   * await using reader = await Parallellm.inspect(".pllm/tournament");
   * const { calls } = await reader.calls({ status: "failed" });
   */
  static inspect(directory: string, options?: InspectOptions): Promise<WorkspaceReader> {
    return inspectWorkspace(directory, options);
  }
  /**
   * Run a pipeline; with `untilDone`, open and close the workspace again and
   * again (polling with backoff) until no batch is pending and no agent halted.
   * Returns the last run's result and summary.
   *
   * @example
   * const { result } = await Parallellm.run(".pllm/t", { strategy: "batch" }, tournament, { untilDone: true });
   */
  static async run<T>(
    directory: string,
    options: ParallellmOptions,
    pipeline: (pllm: Parallellm) => Promise<T>,
    runOptions: RunOptions = {},
  ): Promise<{ readonly result: T; readonly summary: RunSummary; readonly runs: number }> {
    return runPipeline((openOptions) => Parallellm.open(directory, openOptions), options, pipeline, runOptions);
  }

  /**
   * Run `fn` as the agent `name`. Returns its result, or `undefined` when the agent
   * halted on an answer that is not available yet (batch) or, with
   * `onError: "record"`, stopped on a recorded error.
   */
  agent<T>(name: string, fn: (agent: Agent) => Promise<T> | T): Promise<T | undefined>;
  agent<T>(name: string, defaults: CallDefaults, fn: (agent: Agent) => Promise<T> | T): Promise<T | undefined>;
  async agent<T>(
    name: string,
    defaultsOrFn: CallDefaults | ((agent: Agent) => Promise<T> | T),
    maybeFn?: (agent: Agent) => Promise<T> | T,
  ): Promise<T | undefined> {
    const fn = typeof defaultsOrFn === "function" ? defaultsOrFn : maybeFn;
    const agentDefaults = typeof defaultsOrFn === "function" ? undefined : defaultsOrFn;
    checkAgentArguments(name, fn);
    this.#assertOpen();
    if (agentDefaults !== undefined) this.#defaultsCheck.check(name, agentDefaults);
    let state = this.#agents.get(name);
    if (state) checkNotRunning(name, state);
    else {
      state = new AgentState();
      this.#agents.set(name, state);
    }
    const defaults = agentDefaults ? mergeCallOptions(this.#defaults, agentDefaults) : this.#defaults;
    const agent = new Agent(name, state, this.#agentContext, defaults);
    state.running = true;
    this.#engine.enterAgent(name);
    let thrown: unknown;
    try {
      return await fn(agent);
    } catch (error) {
      thrown = error;
      if (endsAgent(error, this.#engine.tally.stats, this.#options.onError === "record")) return undefined;
      throw error;
    } finally {
      state.running = false;
      this.#engine.leaveAgent(name, thrown);
    }
  }

  /**
   * Run one agent per item, at most `concurrency` at once, so each item progresses
   * independently. `keyOf` names each item's agent and must be stable across runs.
   */
  async forEach<Item, T>(
    items: Iterable<Item>,
    keyOf: (item: Item, index: number) => string,
    fn: (item: Item, agent: Agent) => Promise<T> | T,
    options: ForEachOptions = {},
  ): Promise<(T | undefined)[]> {
    checkForEachOptions(options);
    return forEachItem(items, keyOf, {
      concurrency: options.concurrency ?? 256,
      allAtOnce: this.#engine.collects,
      items: this.#items,
      runAgent: (name, item) => this.agent(name, (agent) => fn(item, agent)),
      ownsAgent: this.#ownsAgent,
    });
  }

  /** Persist a value across runs (JSON, Dates, binary, Maps, Sets, response handles). */
  async save(key: string, value: unknown): Promise<void> {
    this.#assertOpen();
    await this.#store.saveUserdata(key, encodeUserdata(key, value), this.session);
  }

  /** A value saved by this or an earlier run; `undefined` when nothing was saved under `key`. */
  async load<T = unknown>(key: string): Promise<T | undefined> {
    this.#assertOpen();
    return (await loadUserdata(this.#store, key)) as T | undefined;
  }

  /**
   * Spent this session and in all, by model and by agent; saved by replay (what the
   * replayed answers cost when first made) and by batch (the discount).
   */
  async cost(): Promise<CostReport> {
    return costReport(await this.#store.usage(), this.session, this.#engine.tally.replayedSpend(), this.#prices);
  }

  /**
   * Cancel this workspace's pending batches at their providers (all of them, or
   * those named by tag or provider id). Each stays pending until its provider
   * reports it ended; the next open ingests what was answered and collects the
   * rest again, as for any batch that ended early.
   *
   * @example
   * const { cancelling, failed } = await pllm.cancelBatches({ tags: ["pllm-s1-3f2a9c1d-0"] });
   */
  cancelBatches(selection: CancelBatchesOptions = {}): Promise<CancelBatchesReport> {
    this.#assertOpen();
    return this.#batches.cancel(selection);
  }

  /** Counts so far in this run. */
  get stats(): Readonly<RunStats> {
    return this.#engine.tally.stats;
  }

  /**
   * Wait for calls in flight, print the summary, end the session and close the store.
   * With `strict: true`, throws a `DriftError` (after closing) when the run drifted.
   */
  close(): Promise<RunSummary> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Print a line of output. With the live dashboard on, it appears above the
   * panel instead of tearing it.
   */
  log(...values: unknown[]): void {
    this.#output.log(format(...values));
  }

  #installSignalHandlers(): void {
    this.#removeSignalHandlers = installSignalHandlers(this.#options.handleSignals ?? true, {
      log: this.#log,
      session: this.session,
      stop: (signal) => {
        this.#interruptedBy = signal;
        this.#engine.stopSending(new Interrupted(`The run was interrupted by ${signal} before this call was sent.`));
      },
      close: () => this.close(),
    });
  }

  async #close(): Promise<RunSummary> {
    try {
      const summary = await this.#finish();
      this.#telemetry?.runEnded(summary, undefined);
      return summary;
    } catch (error) {
      this.#telemetry?.runEnded(undefined, error);
      throw error;
    } finally {
      this.#removeSignalHandlers?.();
      // A closed workspace object may be kept around (`await using`, a variable): it holds nothing big.
      this.#agents.clear();
      this.#engine.release();
    }
  }

  async #finish(): Promise<RunSummary> {
    this.#engine.refuseAsks();
    await this.#engine.drain();
    this.#output.stopDashboard();
    await this.#conversations.close();
    const report = await this.#engine.closeStrategy((calls) => this.#batches.submit(calls));
    if (report.submission?.sent) this.#telemetry?.batchesSubmitted(report.submission.submitted);
    const summary = await closeSummary({
      store: this.#store,
      session: this.session,
      strategy: this.#options.strategy ?? "async",
      workspace: this.directory,
      startedAt: this.#startedAt,
      tally: this.#engine.tally,
      agents: this.#agents,
      interruptedBy: this.#interruptedBy,
      prices: this.#prices,
      sync: this.#batches.synced,
      report,
    });
    this.#output.say(formatSummary(summary));
    this.#log.info(
      {
        session: this.session,
        durationMs: summary.elapsedMs,
        asked: summary.asked,
        replayed: summary.replayed,
        sent: summary.sent,
        received: summary.received,
        failed: summary.failed,
        collected: summary.collected,
        batchesSubmitted: summary.batches.submitted.length,
        batchesPending: summary.batches.pending,
      },
      "session closed",
    );
    try {
      await this.#store.endSession(this.session, summary);
    } finally {
      // Even when the summary cannot be written (full disk), the workspace and its lock are released.
      await this.#store.close();
    }
    if (this.#options.strict && summary.drift.drifted) {
      const error = strictDriftError(summary.drift);
      this.#log.error({ session: this.session, error: error.message }, "the run drifted (strict)");
      throw error;
    }
    return summary;
  }

  #assertOpen(): void {
    if (this.#closed) throw new InputError("This Parallellm workspace is closed; open it again to make more calls.");
  }
}
