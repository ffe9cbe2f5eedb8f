/**
 * The Store seam: the only place state lives. A few required methods; the
 * optional ones let an embedded store skip a promise per replay (`lookupSync`),
 * a network store read an agent's answers in one round trip (`agentAnswers`), and
 * a store shared by many processes keep them from sending one call twice (`claimCalls`).
 */
import type { LLMResult } from "../core/llm.js";

/** Identity of one call: the agent, the request hash, and its occurrence within the agent. */
export interface CallKey {
  readonly agent: string;
  readonly hash: string;
  readonly occurrence: number;
}

/** A call identity as one string (for sets of pending calls). */
export function answerKey(key: CallKey): string {
  return `${key.agent}\u0000${key.hash}\u0000${key.occurrence}`;
}

/** Stored answers of one agent: by hash, then by occurrence. */
export type AgentAnswers = Map<string, (StoredAnswer | undefined)[]>;

export interface StoredAnswer {
  readonly callId: number;
  /** Session that stored the answer now in use. */
  readonly session: number;
  /** The answer's text, available without decoding the whole result. */
  readonly text: string;
  /** The whole result; stores may decode it on first access. */
  readonly result: LLMResult;
  /** Tokens the answer cost when it was made, for "saved by replay"; `undefined` when the provider reported none. */
  readonly inputTokens?: number | undefined;
  readonly outputTokens?: number | undefined;
  /** Answered through a provider batch (billed at the batch discount). */
  readonly viaBatch?: boolean | undefined;
}

export interface AnswerSpend {
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Answers whose provider reported no token counts (Gemini's direct embeddings): their cost is not known. */
  readonly uncounted: number;
  /** Answered through a provider batch (billed at the batch discount). */
  readonly viaBatch: boolean;
}

/** Tokens of stored answers, grouped (see `Store.usage`). */
export interface UsageRow {
  readonly model: string;
  /** `undefined` in one session's rows, which are by model and batch only. */
  readonly agent: string | undefined;
  readonly session: number;
  readonly viaBatch: boolean;
  readonly answers: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedInputTokens: number;
  /**
   * Of `answers`, those stored without token counts (the provider reported none, as
   * Gemini's direct embeddings do): their tokens are not in the sums, so their cost is unknown.
   */
  readonly uncounted: number;
}

export interface ResponseRecord extends CallKey {
  readonly seq: number;
  readonly session: number;
  readonly provider: string;
  readonly model: string;
  /**
   * Canonical request JSON (what was hashed), long strings as `{ "$doc": hash }`;
   * `undefined` when it was stored already (with the call's batch intent).
   */
  readonly canonical: string | undefined;
  /** The long strings the canonical request refers to, by hash. */
  readonly documents: ReadonlyMap<string, string>;
  readonly result: LLMResult;
  /**
   * The provider's response as received (JSON text): a direct call's response
   * body, a batch answer's result line. Stored compressed; `undefined` keeps none.
   */
  readonly raw?: string | undefined;
  readonly sentAt: number;
  readonly receivedAt: number;
  /**
   * `"replace"`: the new answer becomes the one replayed (normal, `rewriteCache`).
   * `"keep"`: stored for audit, but an existing answer stays in use (`ignoreCache`).
   */
  readonly mode: "replace" | "keep";
  /** The answer came from a provider batch (billed at the batch discount). */
  readonly viaBatch?: boolean | undefined;
}

export interface FailureRecord extends CallKey {
  readonly seq: number;
  readonly session: number;
  readonly provider: string;
  readonly model: string;
  readonly attempt: number;
  readonly kind: string;
  readonly statusCode: number | undefined;
  readonly message: string;
  readonly requestId: string | undefined;
  readonly at: number;
  /** The call failed inside a provider batch (counted against the retry bound of batch failures). */
  readonly viaBatch?: boolean | undefined;
}

/** A call without an answer whose failures keep it from being sent again on its own (see `Store.failedCalls`). */
export interface FailedCall extends CallKey {
  /** The latest failure: the session that recorded it, where, and what the provider said. */
  readonly session: number;
  readonly provider: string;
  readonly model: string;
  readonly kind: string;
  readonly statusCode: number | undefined;
  readonly message: string;
  readonly requestId: string | undefined;
  /** How many times the call failed inside provider batches of the latest failure's provider and model. */
  readonly batchFailures: number;
}

export interface SessionInfo {
  readonly strategy: string;
  readonly pid: number;
  readonly startedAt: number;
}

export interface AnsweredCall {
  readonly callId: number;
  readonly session: number;
  readonly agent: string;
}

/**
 * A batch as the store tracks it. `submitting`: the intent is recorded, the
 * provider's id is not (a crash here is reconciled at the next open);
 * `pending`: at the provider; `ingested`: results stored; `abandoned`: never
 * created at the provider (its calls are collected again).
 */
export type StoredBatchState = "submitting" | "pending" | "ingested" | "abandoned";

export interface BatchRecord {
  readonly id: number;
  readonly tag: string;
  readonly provider: string;
  readonly model: string;
  readonly providerBatchId: string | undefined;
  readonly state: StoredBatchState;
  readonly session: number;
  readonly requestCount: number;
  readonly bytes: number;
  readonly createdAt: number;
  readonly message: string | undefined;
  /** Provider batches matched to this intent by reconciling whose results were another submission's. */
  readonly rejectedIds: readonly string[];
}

export interface BatchCall extends CallKey {
  readonly customId: string;
  readonly seq: number;
  /**
   * An earlier ingest of this batch stored this call's outcome (an answer or a
   * failure) and was cut off before it marked the batch ingested: not stored twice.
   */
  readonly ingested?: boolean | undefined;
}

export interface BatchIntent {
  readonly tag: string;
  readonly provider: string;
  readonly model: string;
  readonly session: number;
  readonly bytes: number;
  readonly createdAt: number;
  readonly requestCount: number;
  /** `requestCount` calls; an iterable, so 50,000 of them need not be built at once. */
  readonly calls: Iterable<
    BatchCall & {
      readonly canonical: string;
      readonly documents: ReadonlyMap<string, string>;
    }
  >;
}

/** One rolling window of a rate limit, shared by every worker of a store (see `Store.takeFromWindows`). */
export interface WindowTake {
  /** Names the window among all workers: the limit's key, unit and span. */
  readonly key: string;
  /** Weight the window holds at most. */
  readonly limit: number;
  /** How long a take stays in the window, in milliseconds. */
  readonly spanMs: number;
  /** This take's weight (1 for a request; its tokens for a token window). */
  readonly weight: number;
}

/**
 * One message of a conversation tree. Its id is a content address (agent,
 * conversation, parent, message), so rebuilding the same history reuses nodes.
 */
export interface ConversationNodeRecord {
  readonly id: string;
  readonly agent: string;
  readonly conversation: string;
  /** `undefined` for the first message. */
  readonly parentId: string | undefined;
  /** The neutral `Message` as JSON. */
  readonly message: string;
  /** The call whose answer this message is (assistant turns); `undefined` for messages the user added. */
  readonly call: CallKey | undefined;
  readonly session: number;
  readonly createdAt: number;
}

/** Where a branch of a conversation stands. */
export interface ConversationHeadRecord {
  readonly agent: string;
  readonly conversation: string;
  readonly branch: string;
  readonly nodeId: string;
}

/** A conversation as stored: every node (oldest first) and the head of each branch. */
export interface StoredConversation {
  readonly nodes: readonly ConversationNodeRecord[];
  readonly heads: readonly ConversationHeadRecord[];
}

/**
 * What claiming a call gave: `taken` (this session may send it: no live claim of
 * another session, no answer stored), `held` (another session's claim is live: it
 * sends the call), `answered` (an answer is stored: nothing to send, nothing claimed),
 * `free` (it could have been taken, but `most` calls were taken before it).
 */
export type ClaimOutcome = "taken" | "held" | "answered" | "free";

export interface Store {
  /** Where the store lives, for messages. */
  readonly location: string;
  /** Start a session; returns its number (1, 2, ...). */
  beginSession(info: SessionInfo): Promise<number>;
  endSession(session: number, summary: unknown): Promise<void>;
  /**
   * The latest session before `session`, with the summary it ended with
   * (`undefined` when it never ended: killed or crashed); `undefined` when there was none.
   */
  previousSession(session: number): Promise<{ readonly summary: unknown } | undefined>;
  lookup(key: CallKey): Promise<StoredAnswer | undefined>;
  /** Synchronous lookup for embedded stores; the core falls back to `lookup`. */
  lookupSync?(key: CallKey): StoredAnswer | undefined;
  /**
   * Every stored answer of one agent, read in one range scan when the agent starts;
   * the core falls back to one lookup per ask.
   */
  agentAnswersSync?(agent: string): AgentAnswers;
  /**
   * Every stored answer of one agent in one read, for a store without `agentAnswersSync`
   * (a database over the network): the core reads it at an agent's second ask and replays
   * its later asks from it; without it, the core looks each ask up.
   */
  agentAnswers?(agent: string): Promise<AgentAnswers>;
  /** Commit an answer (and its canonical request and documents) durably; returns the call's id. */
  saveResponse(record: ResponseRecord): Promise<number>;
  saveFailure(record: FailureRecord): Promise<void>;
  /**
   * The raw response of every answer received for `key`, oldest first
   * (`undefined` for one stored without), as `ResponseRecord.raw` gave it.
   */
  rawAnswers?(key: CallKey): Promise<readonly (string | undefined)[]>;
  /**
   * Take back the answers of these calls (a batch gave conflicting results for
   * them): they count as unanswered, so the next run asks again. Resolves to
   * how many calls had an answer.
   */
  discardAnswers(keys: readonly CallKey[]): Promise<number>;
  /** Every call that has an answer in use, for drift detection. */
  answeredCalls(): Promise<readonly AnsweredCall[]>;
  /** Whether any answer was ever stored (read at every open: cheap, whatever the store's size). */
  hasAnswers(): Promise<boolean>;
  /** How many calls have an answer, and how many of those earlier sessions stored; the core falls back to `answeredCalls`. */
  answeredCount?(session: number): Promise<{ readonly total: number; readonly earlier: number }>;
  /** Record a batch before it is created at the provider (state `submitting`); returns its id. */
  recordBatchIntent(intent: BatchIntent): Promise<number>;
  /** Change a batch's state, and record the provider's id once it is known. */
  updateBatch(
    id: number,
    change: {
      readonly state: StoredBatchState;
      readonly providerBatchId?: string | undefined;
      readonly message?: string | undefined;
    },
  ): Promise<void>;
  /**
   * Reconciling matched the wrong provider batch to this intent (its results are
   * another submission's): the intent's outcome is unknown again (`submitting`,
   * no provider id), and `providerBatchId` is never matched to it again.
   */
  rejectBatchMatch(id: number, providerBatchId: string, message: string): Promise<void>;
  /** Provider ids of every batch of `provider` the store has recorded. */
  knownBatchIds(provider: string): Promise<ReadonlySet<string>>;
  /** Batches in state `submitting` or `pending`. */
  openBatches(): Promise<readonly BatchRecord[]>;
  /** The calls of a batch, by custom id. */
  batchCalls(batchId: number): Promise<ReadonlyMap<string, BatchCall>>;
  /** Calls in `submitting` or `pending` batches, as `answerKey`s. */
  pendingCalls(): Promise<ReadonlySet<string>>;
  /**
   * Calls without an answer whose latest failure rejected the request (kind
   * `request-rejected`), or that failed inside a provider batch; read once at open.
   */
  failedCalls(): Promise<readonly FailedCall[]>;
  /**
   * The user asked to send these calls again (`pllm retry`): the failures recorded
   * for them so far stay as history, but no longer hold them back (`failedCalls`)
   * nor count against the bound of batch failures, which starts again. Resolves to
   * how many of the calls had failures to set aside.
   */
  retryCalls(keys: readonly CallKey[], at: number): Promise<number>;
  /** Add conversation nodes (a node already stored is kept as it is) and move branch heads, in one transaction. */
  saveConversation(nodes: readonly ConversationNodeRecord[], heads: readonly ConversationHeadRecord[]): Promise<void>;
  /** Every node of one conversation of an agent, oldest first, and its branch heads. */
  loadConversation(agent: string, conversation: string): Promise<StoredConversation>;
  /**
   * Tokens of every answer received (each one was paid for), by model, agent,
   * session and batch; when `session` is given, only its answers, by model and batch.
   */
  usage(session?: number): Promise<readonly UsageRow[]>;
  /**
   * For a store that many worker processes share: run `body` while this worker holds
   * the lock named `lock` among all of them, and resolve to `{ value }`. With `wait`
   * false, resolve to `undefined` at once (`body` not run) when another worker holds it.
   * A worker that dies releases its locks. Without it, the store has one worker (SQLite
   * holds the workspace lock), and the core runs `body` as it is.
   */
  withLock?<T>(lock: string, wait: boolean, body: () => Promise<T>): Promise<{ readonly value: T } | undefined>;
  /** Of `keys`, the calls that have an answer or wait in a `submitting` or `pending` batch, as `answerKey`s. */
  takenCalls?(keys: readonly CallKey[]): Promise<ReadonlySet<string>>;
  /**
   * Take `weight` from every window of `takes` at once, atomically among all workers of
   * the store, and resolve to 0; or, when one of them has no room, take nothing and
   * resolve to the milliseconds until it may (a weight above a limit fits an empty window).
   */
  takeFromWindows?(takes: readonly WindowTake[]): Promise<number>;
  /**
   * Claim calls before sending them, for a store that several processes share: in one
   * atomic step per call, a claim is taken unless another session holds a live one (whose
   * lease has not expired); then a call whose answer is stored by now is not claimed.
   * `holder` is the claiming session; the lease lasts `leaseMs` by the store's clock.
   * One outcome per key, in order. With `most`, only the first `most` calls that could be
   * taken (in the order of `keys`) are taken; the later ones come back `free`.
   * A store one process holds alone leaves these out.
   */
  claimCalls?(
    keys: readonly CallKey[],
    holder: number,
    leaseMs: number,
    most?: number,
  ): Promise<readonly ClaimOutcome[]>;
  /** Extend every claim `holder` holds to `leaseMs` from now (calls in flight can outlast a lease). */
  renewClaims?(holder: number, leaseMs: number): Promise<void>;
  /** Let go of `holder`'s claims of these calls (answered, or failed): another session may send them now. */
  releaseClaims?(keys: readonly CallKey[], holder: number): Promise<void>;
  saveUserdata(key: string, json: string, session: number): Promise<void>;
  loadUserdata(key: string): Promise<string | undefined>;
  close(): Promise<void>;
}
