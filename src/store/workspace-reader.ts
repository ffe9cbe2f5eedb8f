/**
 * A read-only view of a workspace (`Parallellm.inspect`): what a pipeline asked,
 * got, spent and waits for, read without the workspace lock, a session or a
 * network call, while a pipeline may be writing. The `pllm` commands, the
 * viewer and exports read through it.
 */
import type { LLMResult, Message } from "../core/llm.js";
import type { CostLine, CostReport } from "../dashboard/cost-report.js";
import type { StoredProgress } from "../dashboard/progress.js";
import type { ExportOptions, ExportResult, ExportRow } from "../export/export-row.js";
import type { CallKey, FailureRecord, StoredBatchState, UsageRow } from "./store.js";

/** One run of a pipeline on the workspace. */
export interface SessionRow {
  readonly id: number;
  readonly strategy: string;
  readonly pid: number;
  readonly startedAt: number;
  /** `undefined` while it runs, or when it was killed before it ended. */
  readonly endedAt: number | undefined;
  /** The run summary it ended with (`RunSummary` as JSON); `undefined` when it did not end. */
  readonly summary: unknown;
  /** Answers it stored (received, or ingested from batches). */
  readonly answers: number;
  /** Failed attempts it recorded. */
  readonly failures: number;
}

/**
 * Where a call stands. `answered`: an answer is in use (a rerun replays it);
 * `pending`: waiting in a batch at the provider; `failed`: no answer, and its
 * latest attempt failed; `unanswered`: its answer was taken back (a batch gave
 * conflicting results), so the next run asks again.
 */
export type CallStatus = "answered" | "pending" | "failed" | "unanswered";

/** Filters of `calls`; every one given must hold. */
export interface CallFilter {
  /**
   * An agent's name, or a glob when it has `*`, `?` or `[`: `judge*`, `round-?`, `[ab]-*`
   * (SQLite GLOB: case-sensitive; `[*]` matches a literal `*`). Without those characters, the exact name.
   */
  readonly agent?: string | undefined;
  /** A request hash, or its first characters (`pllm show <hash prefix>`). */
  readonly hash?: string | undefined;
  readonly status?: CallStatus | undefined;
  readonly provider?: string | undefined;
  readonly model?: string | undefined;
  /** Calls whose status rests on this session: it stored their answer, holds their batch, or recorded their last failure. */
  readonly session?: number | undefined;
  /**
   * Text in the request (prompts and options, as stored) or the answer, case-insensitive
   * for ASCII. Documents stored apart (strings of 2,048 characters and more) are not searched.
   */
  readonly search?: string | undefined;
}

export interface CallPageOptions extends CallFilter {
  /** Calls per page (1 to 10,000). @default 100 */
  readonly limit?: number | undefined;
  /** The `next` of the page before: pages stay exact while calls are added meanwhile. */
  readonly after?: string | undefined;
}

/** One call as listed: its identity, where it stands, and its answer's text and tokens. */
export interface CallRow extends CallKey {
  /** The call's row id once an answer was stored (`pllm show <id>`); `undefined` for calls never answered. */
  readonly id: number | undefined;
  readonly status: CallStatus;
  readonly provider: string | undefined;
  readonly model: string | undefined;
  /** The session its status rests on: the one that stored its answer, holds its batch, or recorded its last failure. */
  readonly session: number | undefined;
  /** The ask's position in its agent's run, in the latest session that asked it. */
  readonly seq: number | undefined;
  /** The answer in use; `undefined` when there is none. */
  readonly text: string | undefined;
  readonly inputTokens: number | undefined;
  readonly outputTokens: number | undefined;
  readonly sentAt: number | undefined;
  readonly receivedAt: number | undefined;
  /** Failed attempts recorded for it. */
  readonly failures: number;
  /** The latest batch it went in. */
  readonly batch: number | undefined;
  /** An embedding call's vector length (`agent.embed`); `undefined` for an ask. */
  readonly dimensions?: number | undefined;
}

export interface CallPage {
  readonly calls: readonly CallRow[];
  /** Pass as `after` for the next page; `undefined` on the last page. */
  readonly next: string | undefined;
}

/** Every answer received for a call: the one in use and any replaced or kept for audit. */
export interface ReceivedAnswer {
  readonly session: number;
  readonly receivedAt: number;
  readonly viaBatch: boolean;
  /** The answer replayed by a rerun. */
  readonly inUse: boolean;
  readonly result: LLMResult;
  /**
   * The provider's response as received, parsed: a direct call's response body,
   * a batch answer's result line (which holds the body), fields the result does
   * not map included. `undefined` for answers stored without (`keepRaw: false`,
   * or before parallellm kept them).
   */
  readonly raw: unknown;
}

/** A failed attempt, as the provider or the library reported it. */
export interface AttemptFailure extends Omit<FailureRecord, keyof CallKey | "seq" | "viaBatch"> {
  readonly viaBatch: boolean;
}

/** One call whole. */
export interface CallDetail extends CallRow {
  /** The canonical request as hashed (long strings as `{ "$doc": hash }`); `undefined` when none was stored. */
  readonly canonical: string | undefined;
  /** The canonical request with its documents put back in place. */
  readonly request: unknown;
  /** The long strings the request refers to, by hash. */
  readonly documents: Readonly<Record<string, string>>;
  /** The answer in use (what a rerun gives back). */
  readonly answer: LLMResult | undefined;
  /** What the answer in use cost (USD, at the reader's prices); `undefined` without an answer or a known price. */
  readonly cost: number | undefined;
  /** The raw provider response of the answer in use (see `ReceivedAnswer.raw`). */
  readonly raw: unknown;
  /** Every answer received, oldest first. */
  readonly answers: readonly ReceivedAnswer[];
  /** Every failed attempt, oldest first. */
  readonly attempts: readonly AttemptFailure[];
  /** Every batch it went in, oldest first. */
  readonly batches: readonly BatchRow[];
}

/** A provider batch with its calls counted by where they stand now. */
export interface BatchRow {
  readonly id: number;
  readonly tag: string;
  readonly provider: string;
  readonly model: string;
  readonly providerBatchId: string | undefined;
  readonly state: StoredBatchState;
  readonly session: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly message: string | undefined;
  readonly requests: number;
  readonly bytes: number;
  /** Of `requests`: answered (by this batch or since), failed without an answer, and neither. */
  readonly answered: number;
  readonly failed: number;
  readonly open: number;
}

/** A call without an answer whose latest attempt failed. */
export interface FailedCallRow extends CallKey {
  readonly session: number;
  readonly provider: string;
  readonly model: string;
  readonly kind: string;
  readonly statusCode: number | undefined;
  readonly message: string;
  readonly requestId: string | undefined;
  readonly at: number;
  /** Failed attempts recorded for it. */
  readonly attempts: number;
  /** Of `attempts`, those that failed inside provider batches. */
  readonly batchAttempts: number;
}

export interface ConversationRow {
  readonly agent: string;
  readonly conversation: string;
  readonly messages: number;
  readonly branches: readonly string[];
  readonly createdAt: number;
}

/** One message of a conversation tree; forks share their prefix. */
export interface ConversationNode {
  readonly id: string;
  readonly parentId: string | undefined;
  readonly message: Message;
  /** The call this message is the answer of (assistant turns). */
  readonly call: CallKey | undefined;
  readonly session: number;
  readonly createdAt: number;
}

export interface ConversationTree {
  readonly agent: string;
  readonly conversation: string;
  /** Oldest first. */
  readonly nodes: readonly ConversationNode[];
  /** Branch name → the id of its latest node. */
  readonly heads: Readonly<Record<string, string>>;
}

/** Calls of one provider and model by where they stand. */
export interface ModelCalls extends Readonly<Record<CallStatus, number>> {
  readonly provider: string;
  readonly model: string;
}

/** Tokens and cost of the answers stored, all time or in one session. */
export interface SpendFigures {
  readonly answers: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Answers without token counts: with any, `cost` is unknown. */
  readonly uncounted: number;
  /** USD at the reader's prices; `undefined` when a model has no known price or some answers are `uncounted`. */
  readonly cost: number | undefined;
}

/** What a workspace holds at a glance (`pllm status`), counted in aggregate queries. */
export interface WorkspaceOverview {
  /** The latest sessions, oldest first. */
  readonly sessions: readonly SessionRow[];
  readonly sessionCount: number;
  /**
   * The sessions live processes are running now, oldest first: on SQLite the one whose process holds
   * the workspace lock; on PostgreSQL each whose worker holds its session lock, on any machine. A
   * session neither ended nor running was killed.
   */
  readonly running: readonly number[];
  /** Every call by where it stands (as `calls()` lists them). */
  readonly calls: Readonly<Record<CallStatus, number>>;
  /** Calls by provider and model, most first. */
  readonly models: readonly ModelCalls[];
  /** Agents with the most calls, most first; `total` counts every agent. */
  readonly agents: {
    readonly total: number;
    readonly top: readonly { readonly agent: string; readonly calls: number }[];
  };
  /** Batches waiting at the provider, oldest first. */
  readonly pendingBatches: readonly BatchRow[];
  /** The first failed calls (`failures()`); `calls.failed` counts them all. */
  readonly failures: readonly FailedCallRow[];
  readonly spent: {
    readonly allTime: SpendFigures;
    /** The latest session's; `undefined` without sessions. */
    readonly lastSession: SpendFigures | undefined;
    /** All time, by model (each line's `name` is the model). */
    readonly byModel: readonly CostLine[];
    readonly pricesTakenOn: string;
  };
}

/** How much `overview()` lists; counts are always whole. */
export interface OverviewOptions {
  /** The latest sessions to list. @default 5 */
  readonly sessions?: number | undefined;
  /** The agents with the most calls to list. @default 10 */
  readonly agents?: number | undefined;
  /** The first failed calls to list. @default 3 */
  readonly failures?: number | undefined;
}

/** What a workspace holds and spent; reads only, and never takes the workspace lock. */
export interface WorkspaceReader extends AsyncDisposable {
  /** Where the store lives. */
  readonly location: string;
  /** Every session, oldest first. */
  sessions(): Promise<readonly SessionRow[]>;
  /** What the workspace holds at a glance: sessions, calls by status, model and agent, pending batches, failures, spend. */
  overview(options?: OverviewOptions): Promise<WorkspaceOverview>;
  /** One page of calls, ordered by agent, request hash and occurrence. */
  calls(options?: CallPageOptions): Promise<CallPage>;
  /** Every call that matches, page by page. */
  eachCall(filter?: CallFilter & { readonly pageSize?: number | undefined }): AsyncIterable<CallRow>;
  /** Every call that matches, as the rows of an export (`ExportRow`), page by page, in the order of `calls`. */
  exportRows(filter?: CallFilter & { readonly pageSize?: number | undefined }): AsyncIterable<ExportRow>;
  /**
   * Writes every call that matches to `out` as JSONL, CSV or Parquet, streaming (bounded
   * memory however many calls); a file only appears whole. Refuses an `out` that exists
   * unless `force`.
   */
  export(options: ExportOptions): Promise<ExportResult>;
  /** One call whole, by its id or its identity; `undefined` when the workspace has no such call. */
  call(id: number | CallKey): Promise<CallDetail | undefined>;
  /** Every batch, oldest first. */
  batches(): Promise<readonly BatchRow[]>;
  /** Calls without an answer whose latest attempt failed. */
  failures(): Promise<readonly FailedCallRow[]>;
  /** Every conversation, by agent and name. */
  conversations(): Promise<readonly ConversationRow[]>;
  /** One conversation's tree; `undefined` when there is none. */
  conversation(agent: string, conversation: string): Promise<ConversationTree | undefined>;
  /** Tokens of every answer received, by model, agent, session and batch (see `Store.usage`). */
  usage(): Promise<readonly UsageRow[]>;
  /** Spent by `session` (default: the latest) and in all, at the reader's prices. */
  cost(session?: number): Promise<CostReport>;
  /**
   * A session's figures as the live dashboard shows them (answers and tokens by model,
   * cost, batches pending); default: the latest session.
   */
  progress(session?: number): Promise<StoredProgress>;
  /**
   * A short text that changes when the workspace does: a session starts or ends, a call, an
   * answer, a failure or a batch update is recorded, an answer is taken back. Cheap enough to
   * poll every second however large the workspace (the viewer's live updates).
   */
  changes(): Promise<string>;
  close(): Promise<void>;
}
