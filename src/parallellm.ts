/**
 * The entry point: a workspace, its store, a strategy and the providers,
 * wired together for one run (a session).
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { format } from "node:util";
import { checkAgentArguments, checkNotRunning, endsAgent } from "./agent-scope.js";
import { approveBatches } from "./batch/approve-batches.js";
import { BatchArchive } from "./batch/batch-archive.js";
import { type CollectedCall, type SubmitReport, submitBatches } from "./batch/submit-batches.js";
import { type BatchSyncReport, syncBatches } from "./batch/sync-batches.js";
import {
  checkForEachOptions,
  checkOpenOptions,
  checkRunOptions,
  checkWorkspaceDirectory,
} from "./check-open-options.js";
import { assembleSummary, isComplete, unfinishedAgents } from "./close-summary.js";
import { Agent, type AgentContext, AgentState } from "./core/agent.js";
import { CallEngine } from "./core/call-engine.js";
import { checkCallDefaults } from "./core/check-ask-options.js";
import { ConversationBook } from "./core/conversation-book.js";
import { BatchFailedError, DriftError, FailedCallsError, InputError, Interrupted, StoreError } from "./core/errors.js";
import type { ProviderName } from "./core/llm.js";
import { type CallDefaults, mergeCallOptions } from "./core/prepare-call.js";
import type { RunStats } from "./core/run-tally.js";
import { encodeUserdata } from "./core/userdata-codec.js";
import { type CostReport, costReport, type SessionCost, sessionCost } from "./dashboard/cost-report.js";
import { createDashboard, type Dashboard, type ProgressSnapshot } from "./dashboard/dashboard.js";
import { formatSummary, isFinished, madeProgress, type RunSummary, stopReason } from "./dashboard/run-summary.js";
import { runWorkers } from "./for-each-workers.js";
import { judgeDrift } from "./judge-drift.js";
import { loadUserdata } from "./load-userdata.js";
import type { ForEachOptions, ParallellmOptions, RunOptions } from "./parallellm-options.js";
import { progressSnapshot } from "./progress-snapshot.js";
import type { ModelPrice } from "./providers/model-prices.js";
import { ProviderRegistry, resolveLLM } from "./providers/router.js";
import { createStrategy, defaultLLM, loadPrices, pickDefaults, providerFactories } from "./run-parts.js";
import { installSignalHandlers } from "./signal-handlers.js";
import { createSqliteStore } from "./store/sqlite/sqlite-store.js";
import type { Store } from "./store/store.js";

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
  readonly #checkedDefaults = new WeakSet<CallDefaults>();
  readonly #startedAt: number;
  readonly #registry: ProviderRegistry;
  readonly #archive: BatchArchive;
  #batchSync: BatchSyncReport | undefined;
  #removeSignalHandlers: (() => void) | undefined;
  #dashboard: Dashboard | undefined;
  readonly #items = { done: 0, total: 0 };
  readonly #prices: Readonly<Record<string, ModelPrice>>;
  #closed: Promise<RunSummary> | undefined;
  /** The signal that stopped this run, if one did. */
  #interruptedBy: NodeJS.Signals | undefined;

  private constructor(
    directory: string,
    store: Store,
    session: number,
    options: ParallellmOptions,
    startedAt: number,
    registry: ProviderRegistry,
  ) {
    this.directory = directory;
    this.session = session;
    this.#store = store;
    this.#options = options;
    this.#startedAt = startedAt;
    this.#defaults = { ...pickDefaults(options), llm: defaultLLM(options) };
    this.#prices = { ...loadPrices(options.pricesFile), ...options.prices };
    this.#registry = registry;
    this.#archive = new BatchArchive(directory);
    this.#engine = new CallEngine({
      store,
      strategy: createStrategy(options),
      session,
      providerFor: (name) => registry.get(name),
    });
    this.#conversations = new ConversationBook(store, session);
    this.#agentContext = {
      engine: this.#engine,
      resolveLLM,
      conversations: this.#conversations,
      log: (text) => this.#log(text),
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
    const strategy = options.strategy ?? "async";
    const registry = new ProviderRegistry(providerFactories(options));
    // An unknown model, or one whose provider is not configured, is refused now rather than at the first ask.
    const llm = defaultLLM(options);
    if (llm !== undefined) registry.get(resolveLLM(llm).provider);
    const startedAt = Date.now();
    const path = resolve(directory);
    try {
      mkdirSync(path, { recursive: true });
    } catch (error) {
      throw new StoreError(
        `Cannot create the workspace directory ${path}: ${(error as Error).message}. Choose a path you can write to.`,
        { cause: error },
      );
    }
    const store = options.store ?? (await createSqliteStore(join(path, "store.sqlite"), { lock: options.lock }));
    let pllm: Parallellm;
    try {
      const session = await store.beginSession({ strategy, pid: process.pid, startedAt });
      pllm = new Parallellm(path, store, session, options, startedAt, registry);
      await pllm.#syncBatches();
    } catch (error) {
      // A failed open must not keep the workspace locked.
      await store.close().catch(() => {});
      throw error;
    }
    pllm.#installSignalHandlers();
    pllm.#startDashboard();
    return pllm;
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
    checkRunOptions(runOptions);
    const firstInterval = runOptions.pollInterval ?? 30_000;
    let interval = firstInterval;
    for (let runs = 1; ; runs++) {
      // Failed calls are sent again by the first run only: later runs would loop on them.
      const pllm = await Parallellm.open(directory, runs === 1 ? options : { ...options, retryFailed: false });
      let result: T;
      let summary: RunSummary;
      try {
        result = await pipeline(pllm);
      } finally {
        summary = await pllm.close();
      }
      if (!runOptions.untilDone) return { result, summary, runs };
      const stop = stopReason(summary);
      if (stop)
        throw stop.kind === "batch-failed" ? new BatchFailedError(stop.message) : new FailedCallsError(stop.message);
      if (isFinished(summary)) return { result, summary, runs };
      if (runOptions.maxRuns !== undefined && runs >= runOptions.maxRuns) return { result, summary, runs };
      runOptions.onWait?.(summary, interval);
      await new Promise((resolve) => setTimeout(resolve, interval));
      // Back off while nothing moves; start fast again after progress.
      interval = madeProgress(summary) ? firstInterval : Math.min(interval * 2, runOptions.maxPollInterval ?? 600_000);
    }
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
    if (agentDefaults !== undefined) this.#checkAgentDefaults(name, agentDefaults);
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
    try {
      return await fn(agent);
    } catch (error) {
      if (endsAgent(error, this.#engine.tally.stats, this.#options.onError === "record")) return undefined;
      throw error;
    } finally {
      state.running = false;
      this.#engine.leaveAgent(name);
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
    const list = [...items];
    const concurrency = options.concurrency ?? 256;
    const names = list.map((item, index) => keyOf(item, index));
    const unique = new Set(names);
    const duplicate = unique.size === names.length ? undefined : names.find((name) => !unique.delete(name));
    if (duplicate !== undefined) {
      throw new InputError(`forEach: keyOf gave "${duplicate}" for two items; each item needs its own stable key.`);
    }
    const results = new Array<T | undefined>(list.length);
    this.#items.total += list.length;
    let next = 0;
    await runWorkers(Math.min(concurrency, list.length), this.#engine.collects, async () => {
      while (next < list.length) {
        const index = next++;
        results[index] = await this.agent(names[index], (agent) => fn(list[index], agent));
        this.#items.done++;
      }
    });
    return results;
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

  #startDashboard(): void {
    const setting = this.#options.dashboard ?? true;
    if (setting === false || this.#options.summary === false) return;
    this.#dashboard = createDashboard({
      snapshot: () => this.#snapshot(),
      ...(typeof setting === "object" ? setting : {}),
    });
  }

  #snapshot(): ProgressSnapshot {
    return progressSnapshot({
      strategy: this.#options.strategy ?? "async",
      startedAt: this.#startedAt,
      tally: this.#engine.tally,
      batchesPending: this.#batchSync?.pending ?? 0,
      items: this.#items,
    });
  }

  /**
   * Print a line of output. With the live dashboard on, it appears above the
   * panel instead of tearing it.
   */
  log(...values: unknown[]): void {
    this.#log(format(...values));
  }

  #log(text: string): void {
    if (this.#dashboard) this.#dashboard.log(text);
    else process.stdout.write(`${text}\n`);
  }

  #installSignalHandlers(): void {
    this.#removeSignalHandlers = installSignalHandlers(this.#options.handleSignals ?? true, {
      say: this.#summaryOutput(),
      stop: (signal) => {
        this.#interruptedBy = signal;
        this.#engine.stopSending(new Interrupted(`The run was interrupted by ${signal} before this call was sent.`));
      },
      close: () => this.close(),
    });
  }

  async #syncBatches(): Promise<void> {
    this.#batchSync = await syncBatches({
      store: this.#store,
      session: this.session,
      archive: this.#archive,
      batchApiFor: (provider) => this.#registry.get(provider as ProviderName).batch,
      cohortLock: this.#options.cohortLock,
    });
    this.#engine.earlier.setPendingCalls(await this.#store.pendingCalls());
    this.#engine.earlier.setFailedCalls(await this.#store.failedCalls(), this.#options.retryFailed === true);
    this.#engine.setStoreEmpty(!(await this.#store.hasAnswers()));
  }

  /** Submit collected calls as provider batches (the strategy decides which, at close). */
  #submit(collected: readonly CollectedCall[]): Promise<SubmitReport> {
    const settings = this.#options.batch ?? {};
    return submitBatches(collected, {
      store: this.#store,
      session: this.session,
      archive: this.#archive,
      batchApiFor: (provider) => {
        const api = this.#registry.get(provider as ProviderName).batch;
        if (!api) {
          throw new InputError(`The ${provider} provider has no Batch API here; use strategy "async" for its calls.`);
        }
        return api;
      },
      preview: settings.preview,
      approve: settings.confirm ? (preview) => approveBatches(preview, settings, this.#summaryOutput()) : undefined,
      afterCreate: settings.afterCreate,
    });
  }

  /** The cost lines of the summary; the store is read only when this run paid for something. */
  async #runCost(): Promise<SessionCost> {
    const tally = this.#engine.tally;
    const paid = tally.stats.received > 0 || (this.#batchSync?.answers ?? 0) > 0;
    return sessionCost(paid ? await this.#store.usage(this.session) : [], tally.replayedSpend(), this.#prices);
  }

  #summaryOutput(): (text: string) => void {
    const output = this.#options.summary ?? true;
    if (output === false) return () => {};
    if (typeof output === "function") return output;
    return (text) => process.stderr.write(`${text}\n`);
  }

  async #close(): Promise<RunSummary> {
    try {
      return await this.#finish();
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
    this.#dashboard?.stop();
    this.#dashboard = undefined;
    await this.#conversations.close();
    const report = await this.#engine.closeStrategy((calls) => this.#submit(calls));
    const tally = this.#engine.tally;
    const unfinished = unfinishedAgents(this.#agents);
    const complete = isComplete(tally.stats, unfinished, this.#interruptedBy);
    const summary = assembleSummary({
      session: this.session,
      strategy: this.#options.strategy ?? "async",
      workspace: this.directory,
      elapsedMs: Date.now() - this.#startedAt,
      stats: tally.stats,
      firstFailedForGood: tally.firstFailedForGood,
      interruptedBy: this.#interruptedBy,
      unfinishedAgents: unfinished,
      complete,
      drift: await judgeDrift(this.#store, this.session, tally, complete),
      cost: await this.#runCost(),
      sync: this.#batchSync,
      report,
    });
    this.#summaryOutput()(formatSummary(summary));
    try {
      await this.#store.endSession(this.session, summary);
    } finally {
      // Even when the summary cannot be written (full disk), the workspace and its lock are released.
      await this.#store.close();
    }
    if (this.#options.strict && summary.drift.drifted) {
      throw new DriftError(
        `Strict replay failed: ${summary.drift.staleAnswers} stored answers were not asked and ${summary.drift.newCalls} calls were new. Restore the pipeline, or run without strict to accept the change.`,
      );
    }
    return summary;
  }

  /** Agent defaults are checked once per object (forEach items often share one), their model resolved at once. */
  #checkAgentDefaults(name: string, defaults: CallDefaults): void {
    if (this.#checkedDefaults.has(defaults)) return;
    checkCallDefaults(defaults, `the defaults of agent "${name}"`);
    if (defaults.llm !== undefined) this.#registry.get(resolveLLM(defaults.llm).provider);
    this.#checkedDefaults.add(defaults);
  }

  #assertOpen(): void {
    if (this.#closed) throw new InputError("This Parallellm workspace is closed; open it again to make more calls.");
  }
}
