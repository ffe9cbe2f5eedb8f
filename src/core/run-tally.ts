/** The counts of a run: what was asked, replayed, sent, received and failed, and what replay saved. */
import type { AnswerSpend, StoredAnswer } from "../store/store.js";
import { describeFailedCall } from "./failed-for-good.js";
import type { LLMResult } from "./llm.js";

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
  /** Asks not sent because their agent is another shard's (`shard`): that shard's worker sends them. */
  waitingForShard: number;
}

export interface ModelUsage {
  received: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  /** Answers received without token counts: their cost is not known. */
  uncounted: number;
}

interface ReplaySpend {
  input: number;
  output: number;
  uncounted: number;
}

export class RunTally {
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
    waitingForShard: 0,
  };
  /** Stored calls this run asked for (replayed or sent), for drift detection. */
  readonly askedCallIds = new Set<number>();
  /** Calls sent because nothing was stored for them (not `ignoreCache`/`rewriteCache` resends). */
  newCalls = 0;
  /** Asks waiting right now for a call another worker sends (it holds the claim). */
  waitingOnWorkers = 0;
  /** The first call that failed for good this run, named for the summary. */
  firstFailedForGood: string | undefined;
  readonly #models = new Map<string, ModelUsage>();
  /** Tokens of the answers replayed this run, by model: what replay saved. */
  readonly #replaySpend = new Map<string, Record<"direct" | "batch", ReplaySpend>>();

  /** Answers received this run and their tokens, by model. */
  get models(): ReadonlyMap<string, Readonly<ModelUsage>> {
    return this.#models;
  }

  /** What the answers replayed this run cost when first made, summed by model and by batch or not. */
  replayedSpend(): AnswerSpend[] {
    return [...this.#replaySpend].flatMap(([model, totals]) =>
      (["direct", "batch"] as const)
        .filter((kind) => totals[kind].input + totals[kind].output + totals[kind].uncounted > 0)
        .map((kind) => ({
          model,
          inputTokens: totals[kind].input,
          outputTokens: totals[kind].output,
          uncounted: totals[kind].uncounted,
          viaBatch: kind === "batch",
        })),
    );
  }

  /** A stored answer was replayed for an ask of `model`. */
  replayed(answer: StoredAnswer, model: string): void {
    this.stats.replayed++;
    // Priced by the model this ask names (with hashBy leaving out the llm, the stored one may differ).
    let totals = this.#replaySpend.get(model);
    if (!totals) {
      totals = { direct: { input: 0, output: 0, uncounted: 0 }, batch: { input: 0, output: 0, uncounted: 0 } };
      this.#replaySpend.set(model, totals);
    }
    const bucket = answer.viaBatch ? totals.batch : totals.direct;
    if (answer.inputTokens === undefined) bucket.uncounted++;
    else {
      bucket.input += answer.inputTokens;
      bucket.output += answer.outputTokens ?? 0;
    }
    this.askedCallIds.add(answer.callId);
  }

  /** An answer of `model` was received and stored as `callId`. */
  received(model: string, result: LLMResult, callId: number, isNew: boolean): void {
    this.askedCallIds.add(callId);
    if (isNew) this.newCalls++;
    this.stats.received++;
    this.stats.inputTokens += result.usage.inputTokens ?? 0;
    this.stats.outputTokens += result.usage.outputTokens ?? 0;
    const usage = this.#models.get(model) ?? {
      received: 0,
      inputTokens: 0,
      outputTokens: 0,
      cachedInputTokens: 0,
      uncounted: 0,
    };
    usage.received++;
    if (result.usage.inputTokens === undefined) usage.uncounted++;
    usage.inputTokens += result.usage.inputTokens ?? 0;
    usage.outputTokens += result.usage.outputTokens ?? 0;
    usage.cachedInputTokens += result.usage.cachedInputTokens ?? 0;
    this.#models.set(model, usage);
  }

  /** A call failed for good (this run or before): counted, and the first one named for the summary. */
  failedForGood(failure: Parameters<typeof describeFailedCall>[0]): void {
    this.stats.failedForGood++;
    this.firstFailedForGood ??= describeFailedCall(failure);
  }
}
