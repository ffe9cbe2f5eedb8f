/**
 * The store over any SQL database: the logic lives in the parts beside this file
 * (answers, failures, batches, conversations, sessions), written over a
 * `SqlConnection`; a database adds a connection and its schema.
 */
import type {
  AnsweredCall,
  BatchCall,
  BatchIntent,
  BatchRecord,
  CallKey,
  ConversationHeadRecord,
  ConversationNodeRecord,
  FailedCall,
  FailureRecord,
  ResponseRecord,
  SessionInfo,
  Store,
  StoredAnswer,
  StoredBatchState,
  StoredConversation,
  UsageRow,
} from "../store.js";
import * as answers from "./sql-answers.js";
import * as batches from "./sql-batches.js";
import type { SqlConnection } from "./sql-connection.js";
import * as conversations from "./sql-conversations.js";
import * as failures from "./sql-failures.js";
import * as sessions from "./sql-sessions.js";

export class SqlStore implements Store {
  readonly location: string;
  readonly #connection: SqlConnection;
  /** Answers waiting for the next group commit, with their callers. */
  #queued: { record: ResponseRecord; resolve: (callId: number) => void; reject: (error: unknown) => void }[] = [];
  /** The group commit under way, which `close()` waits for. */
  #committing: Promise<void> = Promise.resolve();

  /** A store over `connection`, whose schema is in place; `location` names it in messages. */
  constructor(connection: SqlConnection, location: string) {
    this.#connection = connection;
    this.location = location;
  }

  beginSession(info: SessionInfo): Promise<number> {
    return sessions.beginSession(this.#connection, info);
  }

  endSession(session: number, summary: unknown): Promise<void> {
    return sessions.endSession(this.#connection, session, summary);
  }

  previousSession(session: number): Promise<{ readonly summary: unknown } | undefined> {
    return sessions.previousSession(this.#connection, session);
  }

  lookup(key: CallKey): Promise<StoredAnswer | undefined> {
    return answers.lookup(this.#connection, key);
  }

  /**
   * Group commit: answers that arrive in the same turn of the event loop are
   * committed in one transaction, and each promise resolves only after that
   * commit — so nothing is handed to user code before it is durable, and a busy
   * run does not pay one commit per answer.
   */
  saveResponse(record: ResponseRecord): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.#queued.length === 0) setImmediate(() => this.#commitQueued());
      this.#queued.push({ record, resolve, reject });
    });
  }

  #commitQueued(): Promise<void> {
    const batch = this.#queued;
    if (batch.length === 0) return this.#committing;
    this.#queued = [];
    const records = batch.map((entry) => entry.record);
    this.#committing = this.storeAnswers(records).then(
      (callIds) => {
        for (const [index, entry] of batch.entries()) entry.resolve(callIds[index]!);
      },
      (error: unknown) => {
        for (const entry of batch) entry.reject(error);
      },
    );
    return this.#committing;
  }

  /** Stores the answers of one group commit atomically; resolves to their call ids, in order. */
  protected storeAnswers(records: readonly ResponseRecord[]): Promise<number[]> {
    return this.#connection.transaction((transaction) => answers.insertResponses(transaction, records));
  }

  rawAnswers(key: CallKey): Promise<readonly (string | undefined)[]> {
    return answers.rawAnswers(this.#connection, key);
  }

  saveFailure(record: FailureRecord): Promise<void> {
    return failures.saveFailure(this.#connection, record);
  }

  discardAnswers(keys: readonly CallKey[]): Promise<number> {
    return answers.discardAnswers(this.#connection, keys);
  }

  answeredCalls(): Promise<readonly AnsweredCall[]> {
    return answers.answeredCalls(this.#connection);
  }

  hasAnswers(): Promise<boolean> {
    return answers.hasAnswers(this.#connection);
  }

  answeredCount(session: number): Promise<{ readonly total: number; readonly earlier: number }> {
    return answers.answeredCount(this.#connection, session);
  }

  recordBatchIntent(intent: BatchIntent): Promise<number> {
    return batches.recordBatchIntent(this.#connection, intent);
  }

  updateBatch(
    id: number,
    change: { readonly state: StoredBatchState; readonly providerBatchId?: string; readonly message?: string },
  ): Promise<void> {
    return batches.updateBatch(this.#connection, id, change);
  }

  rejectBatchMatch(id: number, providerBatchId: string, message: string): Promise<void> {
    return batches.rejectBatchMatch(this.#connection, id, providerBatchId, message);
  }

  knownBatchIds(provider: string): Promise<ReadonlySet<string>> {
    return batches.knownBatchIds(this.#connection, provider);
  }

  openBatches(): Promise<readonly BatchRecord[]> {
    return batches.openBatches(this.#connection);
  }

  batchCalls(batchId: number): Promise<ReadonlyMap<string, BatchCall>> {
    return batches.batchCalls(this.#connection, batchId);
  }

  pendingCalls(): Promise<ReadonlySet<string>> {
    return batches.pendingCalls(this.#connection);
  }

  failedCalls(): Promise<readonly FailedCall[]> {
    return failures.failedCalls(this.#connection);
  }

  retryCalls(keys: readonly CallKey[], at: number): Promise<number> {
    return failures.retryCalls(this.#connection, keys, at);
  }

  saveConversation(nodes: readonly ConversationNodeRecord[], heads: readonly ConversationHeadRecord[]) {
    return conversations.saveConversation(this.#connection, nodes, heads);
  }

  loadConversation(agent: string, conversation: string): Promise<StoredConversation> {
    return conversations.loadConversation(this.#connection, agent, conversation);
  }

  usage(session?: number): Promise<readonly UsageRow[]> {
    return answers.usage(this.#connection, session);
  }

  saveUserdata(key: string, json: string, session: number): Promise<void> {
    return sessions.saveUserdata(this.#connection, key, json, session);
  }

  loadUserdata(key: string): Promise<string | undefined> {
    return sessions.loadUserdata(this.#connection, key);
  }

  /** Commits the answers still waiting for their group commit (they were paid for), then closes. */
  async close(): Promise<void> {
    await this.#commitQueued();
    await this.#connection.close();
  }
}
