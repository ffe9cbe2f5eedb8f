/**
 * The entry point: a workspace, its store, a strategy and the providers,
 * wired together for one run (a session).
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { format } from "node:util";
import { approveBatches } from "./batch/approve-batches.js";
import { BatchArchive } from "./batch/batch-archive.js";
import { type CancelBatchesOptions, type CancelBatchesReport, cancelBatches } from "./batch/cancel-batches.js";
import { dryRunReport } from "./batch/dry-run-report.js";
import { type SubmitReport, submitBatches } from "./batch/submit-batches.js";
import { type BatchSyncReport, syncBatches } from "./batch/sync-batches.js";
import { checkForEachOptions, checkOpenOptions, checkWorkspaceDirectory } from "./check-open-options.js";
import { Agent, type AgentContext, AgentState } from "./core/agent.js";
import { CallEngine } from "./core/call-engine.js";
import { checkCallDefaults } from "./core/check-ask-options.js";
import { ConversationBook } from "./core/conversation-book.js";
import { DriftError, InputError, Interrupted, NotAvailable, ParallellmError, StoreError } from "./core/errors.js";
import { IdentityCache } from "./core/identity-cache.js";
import { type CallDefaults, mergeCallOptions } from "./core/prepare-call.js";
import { ResponseHandle } from "./core/response-handle.js";
import { decodeUserdata, encodeUserdata, type ResponseReference } from "./core/userdata-codec.js";
import { type CostReport, costReport, type SessionCost, sessionCost } from "./dashboard/cost-report.js";
import { createDashboard, type Dashboard, type ProgressSnapshot } from "./dashboard/dashboard.js";
import { liveProgress } from "./dashboard/progress.js";
import { type DriftReport, formatSummary, type RunSummary } from "./dashboard/run-summary.js";
import { type InspectOptions, inspectWorkspace } from "./inspect-workspace.js";
import type { ForEachOptions, ParallellmOptions, RunOptions } from "./parallellm-options.js";
import type { ModelPrice } from "./providers/model-prices.js";
import type { ProviderRouter } from "./providers/router.js";
import { createStrategy, loadPrices, pickDefaults } from "./run-parts.js";
import { runPipeline } from "./run-pipeline.js";
import { createProviderRouter, defaultLLM } from "./run-providers.js";
import { createSqliteStore } from "./store/sqlite/sqlite-store.js";
import { answerKey, type Store, type UsageRow } from "./store/store.js";
import type { WorkspaceReader } from "./store/workspace-reader.js";

/** forEach workers started per turn of the event loop. */
const workersPerSlice = 64;

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
  readonly #registry: ProviderRouter;
  readonly #archive: BatchArchive;
  #batchSync: BatchSyncReport | undefined;
  /** Tokens of the answers batches brought in at open, by model (for the dashboard). */
  #ingestedAtOpen: readonly UsageRow[] = [];
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
    registry: ProviderRouter,
  ) {
    this.directory = directory;
    this.session = session;
    this.#store = store;
    this.#options = options;
    this.#startedAt = startedAt;
    this.#defaults = { ...pickDefaults(options), llm: defaultLLM(options, registry) };
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
      resolveLLM: registry.resolve,
      identity: new IdentityCache(),
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
    const registry = createProviderRouter(options);
    // An unknown model, or one whose provider is not registered, is refused now rather than at the first ask.
    const llm = defaultLLM(options, registry);
    if (llm !== undefined) registry.resolve(llm);
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
    if (typeof name !== "string" || name.length === 0) {
      throw new InputError(
        `Agent names must be non-empty strings that stay the same across runs, got ${String(name)}.`,
      );
    }
    if (typeof fn !== "function") throw new InputError(`pllm.agent("${name}", fn) needs a function.`);
    this.#assertOpen();
    if (agentDefaults !== undefined) this.#checkAgentDefaults(name, agentDefaults);
    let state = this.#agents.get(name);
    if (!state) {
      state = new AgentState();
      this.#agents.set(name, state);
    } else if (state.running) {
      // Two live scopes would share one call sequence: their asks interleave by timing, so a
      // rerun could hand each the other's answers.
      throw new InputError(
        `Agent "${name}" is already running in this run. Two agents with one name share one call sequence, so a rerun could give each the other's answers. Give each agent a name of its own (add the item's id), or await the first before starting the second.`,
      );
    }
    const defaults = agentDefaults ? mergeCallOptions(this.#defaults, agentDefaults) : this.#defaults;
    const agent = new Agent(name, state, this.#agentContext, defaults);
    state.running = true;
    this.#engine.enterAgent(name);
    try {
      return await fn(agent);
    } catch (error) {
      if (error instanceof NotAvailable) {
        // An interrupted agent is not waiting for an answer: the next run sends its calls.
        if (!(error instanceof Interrupted)) this.#engine.stats.halted++;
        return undefined;
      }
      if (this.#options.onError === "record" && error instanceof ParallellmError && !(error instanceof InputError)) {
        this.#engine.stats.failedAgents++;
        return undefined;
      }
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
    const worker = async () => {
      while (next < list.length) {
        const index = next++;
        results[index] = await this.agent(names[index], (agent) => fn(list[index], agent));
        this.#items.done++;
      }
    };
    // Calls that are sent (not collected for batches): workers start a slice at a time,
    // with a turn of the event loop between slices, so the first requests go out while
    // the next slice prepares its asks. (Collecting runs start them all at once: a
    // hybrid round is decided when every open agent waits, which a slice would fake.)
    const workers: Promise<void>[] = [];
    const count = Math.min(concurrency, list.length);
    const slice = this.#engine.collects ? count : workersPerSlice;
    for (let started = 0; started < count; started++) {
      if (started > 0 && started % slice === 0) await new Promise((resolve) => setImmediate(resolve));
      const running = worker();
      // Its failure is forEach's (Promise.all below); not an unhandled rejection meanwhile.
      running.catch(() => {});
      workers.push(running);
    }
    await Promise.all(workers);
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
    const json = await this.#store.loadUserdata(key);
    if (json === undefined) return undefined;
    const references: [ResponseReference, ResponseHandle][] = [];
    const value = decodeUserdata(json, (reference) => {
      const handle = new ResponseHandle(
        reference.agent,
        reference.hash,
        reference.occurrence,
        reference.seq,
        undefined,
      );
      references.push([reference, handle]);
      return handle;
    });
    let pending: ReadonlySet<string> | undefined;
    for (const [reference, handle] of references) {
      const answer = await this.#store.lookup(reference);
      if (answer) {
        handle._ready(answer, true);
        continue;
      }
      pending ??= await this.#store.pendingCalls();
      if (pending.has(answerKey(reference))) {
        const message = `The response saved under "${key}" (agent "${reference.agent}") waits in a provider batch.`;
        handle._defer("pending", () => Promise.reject(new NotAvailable(message)));
      }
    }
    return value as T;
  }

  /**
   * Spent this session and in all, by model and by agent; saved by replay (what the
   * replayed answers cost when first made) and by batch (the discount).
   */
  async cost(): Promise<CostReport> {
    return costReport(await this.#store.usage(), this.session, this.#engine.replayedSpend(), this.#prices);
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
    return cancelBatches(selection, {
      store: this.#store,
      batchApiFor: (provider) => this.#registry.get(provider).batch,
    });
  }

  /** Counts so far in this run. */
  get stats(): Readonly<CallEngine["stats"]> {
    return this.#engine.stats;
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
    const stats = this.#engine.stats;
    const progress = liveProgress(
      this.#ingestedAtOpen,
      this.#engine.models,
      this.#batchSync?.pending ?? 0,
      this.#prices,
    );
    return {
      strategy: this.#options.strategy ?? "async",
      elapsedMs: Date.now() - this.#startedAt,
      asked: stats.asked,
      replayed: stats.replayed,
      sent: stats.sent,
      received: stats.received,
      failed: stats.failed,
      collected: stats.collected,
      batchesPending: progress.batchesPending,
      itemsDone: this.#items.done,
      itemsTotal: this.#items.total,
      models: progress.models,
    };
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
    const setting = this.#options.handleSignals ?? true;
    if (setting === false) return;
    const graceMs = (typeof setting === "object" ? setting.graceMs : undefined) ?? 10_000;
    const onSignal = (signal: NodeJS.Signals) => {
      const code = signal === "SIGINT" ? 130 : 143;
      if (this.#interruptedBy) process.exit(code);
      this.#interruptedBy = signal;
      this.#summaryOutput()(
        `\n${signal}: sending nothing new; waiting up to ${graceMs / 1000}s for calls in flight, then saving. ${signal === "SIGINT" ? "Ctrl-C" : "Signal"} again to quit at once.`,
      );
      this.#engine.stopSending(new Interrupted(`The run was interrupted by ${signal} before this call was sent.`));
      setTimeout(() => process.exit(code), graceMs).unref();
      this.close().then(
        () => process.exit(code),
        () => process.exit(code),
      );
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    this.#removeSignalHandlers = () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    };
  }

  async #syncBatches(): Promise<void> {
    this.#batchSync = await syncBatches({
      store: this.#store,
      session: this.session,
      archive: this.#archive,
      batchApiFor: (provider) => this.#registry.get(provider).batch,
      cohortLock: this.#options.cohortLock,
    });
    if (this.#batchSync.answers > 0) this.#ingestedAtOpen = await this.#store.usage(this.session);
    this.#engine.setPendingCalls(await this.#store.pendingCalls());
    this.#engine.setFailedCalls(await this.#store.failedCalls(), this.#options.retryFailed === true);
    this.#engine.setStoreEmpty(!(await this.#store.hasAnswers()));
  }

  async #submitCollected(): Promise<SubmitReport | undefined> {
    if (this.#options.strategy === "dry-run") return undefined;
    const collected = await this.#engine.takeCollected();
    if (collected.length === 0) return undefined;
    const settings = this.#options.batch ?? {};
    return submitBatches(collected, {
      store: this.#store,
      session: this.session,
      archive: this.#archive,
      batchApiFor: (provider) => {
        const api = this.#registry.get(provider).batch;
        if (!api) {
          throw new InputError(`The ${provider} provider has no Batch API here; use strategy "async" for its calls.`);
        }
        return api;
      },
      preview: settings.preview,
      approve: settings.confirm ? (preview) => approveBatches(preview, settings, this.#summaryOutput()) : undefined,
    });
  }

  /** The cost lines of the summary; the store is read only when this run paid for something. */
  async #runCost(): Promise<SessionCost> {
    const paid = this.#engine.stats.received > 0 || (this.#batchSync?.answers ?? 0) > 0;
    return sessionCost(paid ? await this.#store.usage(this.session) : [], this.#engine.replayedSpend(), this.#prices);
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
    const submission = await this.#submitCollected();
    const dryRun =
      this.#options.strategy === "dry-run" ? await dryRunReport(await this.#engine.takeCollected()) : undefined;
    const stats = this.#engine.stats;
    const sync = this.#batchSync;
    const unfinishedAgents = this.#unfinishedAgents();
    const complete =
      stats.halted === 0 &&
      stats.failedAgents === 0 &&
      stats.failed === 0 &&
      unfinishedAgents.count === 0 &&
      this.#interruptedBy === undefined;
    const submitted = submission?.submitted ?? [];
    const summary: RunSummary = {
      session: this.session,
      strategy: this.#options.strategy ?? "async",
      workspace: this.directory,
      elapsedMs: Date.now() - this.#startedAt,
      ...stats,
      interruptedBy: this.#interruptedBy,
      unfinishedAgents,
      complete,
      firstFailedForGood: this.#engine.firstFailedForGood,
      drift: await this.#judgeDrift(complete),
      dryRun,
      cost: await this.#runCost(),
      batches: {
        ingested: sync?.ingested ?? 0,
        ingestedAnswers: sync?.answers ?? 0,
        failedRequests: sync?.failures ?? 0,
        firstFailedRequest: sync?.firstFailure,
        unfinishedRequests: sync?.unfinished ?? 0,
        pending: (sync?.pending ?? 0) + submitted.filter((batch) => batch.providerBatchId !== undefined).length,
        submitted,
        previewOnly: submission !== undefined && !submission.sent,
        failed: [
          ...(sync?.failedBatches ?? []),
          ...submitted.flatMap((batch) => (batch.rejected ? [{ tag: batch.tag, message: batch.error ?? "" }] : [])),
        ],
        warnings: sync?.warnings ?? [],
        estimate: submission?.preview ?? [],
      },
    };
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

  /** Agents still running when the workspace closed (their code was not awaited): how many, and the first few. */
  #unfinishedAgents(): RunSummary["unfinishedAgents"] {
    const names: string[] = [];
    let count = 0;
    for (const [name, state] of this.#agents) {
      if (!state.running) continue;
      if (count++ < 5) names.push(name);
    }
    return { count, names };
  }

  /**
   * Whether this run asked for other calls than the store holds; judged only for a run
   * that finished every agent. New calls are drift only when the run before finished too:
   * after an interrupted, crashed or halted run they are the rest of its work.
   */
  async #judgeDrift(complete: boolean): Promise<DriftReport> {
    const newCalls = this.#engine.newCalls;
    if (!complete) return { judged: false, staleAnswers: 0, staleAgents: [], newCalls, drifted: false };
    const newCallsDrift = newCalls > 0 && (await this.#previousRunFinished());
    const asked = this.#engine.askedCallIds;
    const counts = await this.#store.answeredCount?.(this.session);
    if (counts && counts.total === asked.size) {
      // Everything stored was asked: no need to list the calls.
      const drifted = counts.earlier > 0 && newCallsDrift;
      return { judged: true, staleAnswers: 0, staleAgents: [], newCalls, drifted };
    }
    const answered = await this.#store.answeredCalls();
    const hadHistory = answered.some((call) => call.session < this.session);
    const stale = answered.filter((call) => !asked.has(call.callId));
    const staleAgents = [...new Set(stale.map((call) => call.agent))].slice(0, 5);
    return {
      judged: true,
      staleAnswers: stale.length,
      staleAgents,
      newCalls,
      drifted: hadHistory && (stale.length > 0 || newCallsDrift),
    };
  }

  /** The session before this one ended, and finished every agent. */
  async #previousRunFinished(): Promise<boolean> {
    const previous = await this.#store.previousSession(this.session);
    return (previous?.summary as Partial<RunSummary> | undefined)?.complete === true;
  }

  /** Agent defaults are checked once per object (forEach items often share one), their model resolved at once. */
  #checkAgentDefaults(name: string, defaults: CallDefaults): void {
    if (this.#checkedDefaults.has(defaults)) return;
    checkCallDefaults(defaults, `the defaults of agent "${name}"`);
    if (defaults.llm !== undefined) this.#registry.resolve(defaults.llm);
    this.#checkedDefaults.add(defaults);
  }

  #assertOpen(): void {
    if (this.#closed) throw new InputError("This Parallellm workspace is closed; open it again to make more calls.");
  }
}
