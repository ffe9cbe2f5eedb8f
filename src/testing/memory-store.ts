/**
 * A store that keeps everything in memory, for unit tests of pipelines: nothing
 * is written to disk. `close()` keeps the contents, so the same store passed to a
 * second `Parallellm.open` replays the first run. It has no synchronous paths
 * (`lookupSync`, `agentAnswersSync`), like a store over a network database.
 */
import { StoreError } from "../core/errors.js";
import type { LLMResult } from "../core/llm.js";
import {
  type AnsweredCall,
  answerKey,
  type BatchCall,
  type BatchIntent,
  type BatchRecord,
  type CallKey,
  type ConversationHeadRecord,
  type ConversationNodeRecord,
  type FailedCall,
  type FailureRecord,
  type ResponseRecord,
  type SessionInfo,
  type Store,
  type StoredAnswer,
  type StoredBatchState,
  type StoredConversation,
  type UsageRow,
} from "../store/store.js";

/**
 * A fresh, empty in-memory store; its contents live as long as the object.
 *
 * @example
 * const store = createMemoryStore();
 * const pllm = await Parallellm.open(dir, { store, llm: "mock-1", providers: { mock } });
 */
export function createMemoryStore(): Store {
  return new MemoryStore();
}

// --- internal ---

interface CallRow {
  readonly id: number;
  readonly key: CallKey;
  model: string;
  responseId: number | undefined;
}

interface ResponseRow {
  readonly id: number;
  readonly callId: number;
  readonly session: number;
  readonly result: LLMResult;
  readonly raw: string | undefined;
  readonly viaBatch: boolean;
  readonly receivedAt: number;
}

interface BatchRow {
  record: BatchRecord;
  readonly calls: readonly BatchCall[];
}

class MemoryStore implements Store {
  readonly location = "memory";
  /** Each session's summary as JSON, once it ended; index = session - 1. */
  readonly #sessions: (string | undefined)[] = [];
  readonly #calls = new Map<string, CallRow>();
  readonly #callsById: CallRow[] = [];
  readonly #responses: ResponseRow[] = [];
  readonly #failures: FailureRecord[] = [];
  /** Failures set aside by `retryCalls`: kept as history, holding nothing back. */
  readonly #retried = new Set<FailureRecord>();
  readonly #batches: BatchRow[] = [];
  readonly #nodes = new Map<string, ConversationNodeRecord>();
  readonly #heads = new Map<string, ConversationHeadRecord>();
  readonly #userdata = new Map<string, string>();
  /** Locks held (`withLock`), each with the promise its release resolves. */
  readonly #locks = new Map<string, Promise<void>>();

  async beginSession(_info: SessionInfo): Promise<number> {
    return this.#sessions.push(undefined);
  }

  async endSession(session: number, summary: unknown): Promise<void> {
    this.#sessions[session - 1] = JSON.stringify(summary);
  }

  async previousSession(session: number): Promise<{ readonly summary: unknown } | undefined> {
    const previous = Math.min(session - 1, this.#sessions.length);
    if (previous < 1) return undefined;
    const summary = this.#sessions[previous - 1];
    return { summary: summary === undefined ? undefined : JSON.parse(summary) };
  }

  async lookup(key: CallKey): Promise<StoredAnswer | undefined> {
    const call = this.#calls.get(answerKey(key));
    return call?.responseId === undefined ? undefined : storedAnswer(call, this.#responses[call.responseId - 1]!);
  }

  async saveResponse(record: ResponseRecord): Promise<number> {
    const key = answerKey(record);
    let call = this.#calls.get(key);
    if (!call) {
      call = {
        id: this.#callsById.length + 1,
        key: { agent: record.agent, hash: record.hash, occurrence: record.occurrence },
        model: record.model,
        responseId: undefined,
      };
      this.#calls.set(key, call);
      this.#callsById.push(call);
    }
    call.model = record.model;
    const response: ResponseRow = {
      id: this.#responses.length + 1,
      callId: call.id,
      session: record.session,
      // A copy, as a database would keep: the caller's object may change later.
      result: copyResult(record.result),
      raw: record.raw,
      viaBatch: record.viaBatch === true,
      receivedAt: record.receivedAt,
    };
    this.#responses.push(response);
    if (record.mode === "replace" || call.responseId === undefined) call.responseId = response.id;
    return call.id;
  }

  async rawAnswers(key: CallKey): Promise<readonly (string | undefined)[]> {
    const callId = this.#calls.get(answerKey(key))?.id;
    return this.#responses.filter((response) => response.callId === callId).map((response) => response.raw);
  }

  async saveFailure(record: FailureRecord): Promise<void> {
    this.#failures.push({ ...record, viaBatch: record.viaBatch === true });
  }

  async discardAnswers(keys: readonly CallKey[]): Promise<number> {
    let discarded = 0;
    for (const key of keys) {
      const call = this.#calls.get(answerKey(key));
      if (call?.responseId === undefined) continue;
      call.responseId = undefined;
      discarded++;
    }
    return discarded;
  }

  async answeredCalls(): Promise<readonly AnsweredCall[]> {
    return this.#callsById.flatMap((call) =>
      call.responseId === undefined
        ? []
        : [{ callId: call.id, session: this.#responses[call.responseId - 1]!.session, agent: call.key.agent }],
    );
  }

  async hasAnswers(): Promise<boolean> {
    return this.#responses.length > 0;
  }

  async answeredCount(session: number): Promise<{ total: number; earlier: number }> {
    const answered = await this.answeredCalls();
    return { total: answered.length, earlier: answered.filter((call) => call.session < session).length };
  }

  async recordBatchIntent(intent: BatchIntent): Promise<number> {
    if (this.#batches.some((batch) => batch.record.tag === intent.tag)) {
      throw new StoreError(
        `[memory-store] A batch tagged "${intent.tag}" is recorded already; give each batch its own tag.`,
      );
    }
    const id = this.#batches.length + 1;
    const calls = [...intent.calls].map(({ customId, agent, hash, occurrence, seq }) => ({
      customId,
      agent,
      hash,
      occurrence,
      seq,
    }));
    const { tag, provider, model, session, requestCount, bytes, createdAt } = intent;
    const record: BatchRecord = {
      id,
      tag,
      provider,
      model,
      providerBatchId: undefined,
      state: "submitting",
      session,
      requestCount,
      bytes,
      createdAt,
      message: undefined,
      rejectedIds: [],
    };
    this.#batches.push({ record, calls });
    return id;
  }

  async updateBatch(
    id: number,
    change: {
      readonly state: StoredBatchState;
      readonly providerBatchId?: string | undefined;
      readonly message?: string | undefined;
    },
  ): Promise<void> {
    const batch = this.#batch(id);
    batch.record = {
      ...batch.record,
      state: change.state,
      providerBatchId: change.providerBatchId ?? batch.record.providerBatchId,
      message: change.message ?? batch.record.message,
    };
  }

  async rejectBatchMatch(id: number, providerBatchId: string, message: string): Promise<void> {
    const batch = this.#batch(id);
    batch.record = {
      ...batch.record,
      state: "submitting",
      providerBatchId: undefined,
      message,
      rejectedIds: [...batch.record.rejectedIds, providerBatchId],
    };
  }

  async knownBatchIds(provider: string): Promise<ReadonlySet<string>> {
    return new Set(
      this.#batches.flatMap(({ record }) =>
        record.provider === provider && record.providerBatchId !== undefined ? [record.providerBatchId] : [],
      ),
    );
  }

  async openBatches(): Promise<readonly BatchRecord[]> {
    return this.#openBatches().map((batch) => batch.record);
  }

  async batchCalls(batchId: number): Promise<ReadonlyMap<string, BatchCall>> {
    const batch = this.#batch(batchId);
    // A call is in one batch at a time: an outcome received through a batch since this one was
    // created is this batch's, stored by an ingest that was cut off. Strictly after: the previous
    // batch's outcome is stored at the open of the run that creates this one, often in the same ms.
    const since = batch.record.createdAt;
    const ingested = new Set<string>();
    for (const response of this.#responses) {
      if (response.viaBatch && response.receivedAt > since)
        ingested.add(answerKey(this.#callsById[response.callId - 1]!.key));
    }
    for (const failure of this.#failures) if (failure.viaBatch && failure.at > since) ingested.add(answerKey(failure));
    return new Map(batch.calls.map((call) => [call.customId, { ...call, ingested: ingested.has(answerKey(call)) }]));
  }

  async pendingCalls(): Promise<ReadonlySet<string>> {
    return new Set(this.#openBatches().flatMap((batch) => batch.calls.map(answerKey)));
  }

  async withLock<T>(lock: string, wait: boolean, body: () => Promise<T>): Promise<{ readonly value: T } | undefined> {
    for (let held = this.#locks.get(lock); held; held = this.#locks.get(lock)) {
      if (!wait) return undefined;
      await held;
    }
    let release = () => {};
    this.#locks.set(lock, new Promise((resolve) => (release = resolve)));
    try {
      return { value: await body() };
    } finally {
      this.#locks.delete(lock);
      release();
    }
  }

  async takenCalls(keys: readonly CallKey[]): Promise<ReadonlySet<string>> {
    const pending = await this.pendingCalls();
    const taken = keys
      .map(answerKey)
      .filter((key) => pending.has(key) || this.#calls.get(key)?.responseId !== undefined);
    return new Set(taken);
  }

  async failedCalls(): Promise<readonly FailedCall[]> {
    const latest = new Map<string, FailureRecord>();
    // Counted per model: a fallback model starts a count of its own.
    const byModel = new Map<string, number>();
    for (const failure of this.#failures) {
      if (this.#retried.has(failure)) continue;
      const key = answerKey(failure);
      latest.set(key, failure);
      const modelKey = `${key}\n${failure.provider}\n${failure.model}`;
      byModel.set(modelKey, (byModel.get(modelKey) ?? 0) + (failure.viaBatch ? 1 : 0));
    }
    return [...latest.entries()].flatMap(([key, failure]) => {
      const batchFailures = byModel.get(`${key}\n${failure.provider}\n${failure.model}`) ?? 0;
      if (failure.kind !== "request-rejected" && batchFailures === 0) return [];
      if (this.#calls.get(key)?.responseId !== undefined) return [];
      const { agent, hash, occurrence, session, provider, model, kind, statusCode, message, requestId } = failure;
      return [
        { agent, hash, occurrence, session, provider, model, kind, statusCode, message, requestId, batchFailures },
      ];
    });
  }

  async retryCalls(keys: readonly CallKey[], _at: number): Promise<number> {
    const wanted = new Set(keys.map(answerKey));
    const retried = new Set<string>();
    for (const failure of this.#failures) {
      const key = answerKey(failure);
      if (!wanted.has(key) || this.#retried.has(failure)) continue;
      this.#retried.add(failure);
      retried.add(key);
    }
    return retried.size;
  }

  async saveConversation(
    nodes: readonly ConversationNodeRecord[],
    heads: readonly ConversationHeadRecord[],
  ): Promise<void> {
    for (const node of nodes) {
      if (this.#nodes.has(node.id)) continue;
      // As a database links a node to its call's row: a call not stored yet is not linked.
      const call = node.call && this.#calls.get(answerKey(node.call))?.key;
      this.#nodes.set(node.id, { ...node, call });
    }
    for (const head of heads)
      this.#heads.set(`${head.agent}\u0000${head.conversation}\u0000${head.branch}`, { ...head });
  }

  async loadConversation(agent: string, conversation: string): Promise<StoredConversation> {
    const mine = (record: { agent: string; conversation: string }) =>
      record.agent === agent && record.conversation === conversation;
    return { nodes: [...this.#nodes.values()].filter(mine), heads: [...this.#heads.values()].filter(mine) };
  }

  async usage(session?: number): Promise<readonly UsageRow[]> {
    const groups = new Map<string, { -readonly [field in keyof UsageRow]: UsageRow[field] }>();
    for (const response of this.#responses) {
      if (session !== undefined && response.session !== session) continue;
      const call = this.#callsById[response.callId - 1]!;
      const agent = session === undefined ? call.key.agent : undefined;
      const group = `${call.model}\u0000${agent}\u0000${response.session}\u0000${response.viaBatch}`;
      let row = groups.get(group);
      if (!row) {
        row = {
          model: call.model,
          agent,
          session: response.session,
          viaBatch: response.viaBatch,
          answers: 0,
          inputTokens: 0,
          outputTokens: 0,
          cachedInputTokens: 0,
          uncounted: 0,
        };
        groups.set(group, row);
      }
      const { usage } = response.result;
      row.answers++;
      if (usage.inputTokens === undefined) row.uncounted++;
      row.inputTokens += usage.inputTokens ?? 0;
      row.outputTokens += usage.outputTokens ?? 0;
      row.cachedInputTokens += usage.cachedInputTokens ?? 0;
    }
    return [...groups.values()];
  }

  async saveUserdata(key: string, json: string, _session: number): Promise<void> {
    this.#userdata.set(key, json);
  }

  async loadUserdata(key: string): Promise<string | undefined> {
    return this.#userdata.get(key);
  }

  async close(): Promise<void> {}

  #batch(id: number): BatchRow {
    const batch = this.#batches[id - 1];
    if (!batch)
      throw new StoreError(`[memory-store] No batch ${id} is recorded; pass an id that recordBatchIntent returned.`);
    return batch;
  }

  #openBatches(): BatchRow[] {
    return this.#batches.filter((batch) => batch.record.state === "submitting" || batch.record.state === "pending");
  }
}

function storedAnswer(call: CallRow, response: ResponseRow): StoredAnswer {
  const { usage } = response.result;
  return {
    callId: call.id,
    session: response.session,
    text: response.result.text,
    result: response.result,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    viaBatch: response.viaBatch,
  };
}

/** A copy of `result`, as a database would keep it (the caller's object may change later); a vector stays a `Float32Array`. */
function copyResult(result: LLMResult): LLMResult {
  const copy = JSON.parse(JSON.stringify({ ...result, embedding: undefined })) as LLMResult;
  return result.embedding ? { ...copy, embedding: result.embedding.slice() } : copy;
}
