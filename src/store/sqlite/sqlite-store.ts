/**
 * The default, embedded store: one SQLite file in WAL mode. Every answer is
 * committed in its own transaction before user code sees it; with WAL and
 * `synchronous = NORMAL` a killed process never loses a committed answer.
 */
import { existsSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { StoreError } from "../../core/errors.js";
import type { LLMResult } from "../../core/llm.js";
import {
  type AgentAnswers,
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
} from "../store.js";
import { sqliteMigrations } from "./sqlite-migrations.js";
import { acquireWorkspaceLock, type WorkspaceLock } from "./workspace-lock.js";

/** `PRAGMA application_id` of a parallellm store ("PLLM"). */
const applicationId = 0x504c4c4d;

type Statement = Database.Statement<unknown[], unknown>;

export class SqliteStore implements Store {
  readonly location: string;
  readonly #db: Database.Database;
  readonly #lookup: Statement;
  readonly #agentAnswers: Statement;
  readonly #resultOf: Statement;
  readonly #insertDocument: Statement;
  readonly #upsertCall: Statement;
  readonly #insertResponse: Statement;
  readonly #pointCall: Statement;
  readonly #insertFailure: Statement;
  readonly #insertResponseRecord: (record: ResponseRecord) => number;
  readonly #saveResponses: (records: readonly ResponseRecord[]) => number[];
  /** Answers waiting for the next group commit, with their callers. */
  #queued: { record: ResponseRecord; resolve: (callId: number) => void; reject: (error: unknown) => void }[] = [];

  readonly #lock: WorkspaceLock | undefined;

  /** Open the store at `path`; `lock` (see `createSqliteStore`) is released at `close()`. */
  constructor(path: string, lock?: WorkspaceLock) {
    this.location = path;
    this.#db = openDatabase(path);
    this.#lock = lock;
    const db = this.#db;
    this.#lookup = db
      .prepare(
        `SELECT c.id, r.session, r.text, r.id, r.input_tokens, r.output_tokens, r.via_batch
         FROM calls c JOIN responses r ON r.id = c.response_id
         WHERE c.agent = ? AND c.hash = ? AND c.occurrence = ?`,
      )
      .raw(true);
    this.#agentAnswers = db
      .prepare(
        `SELECT c.hash, c.occurrence, c.id, r.session, r.text, r.id, r.input_tokens, r.output_tokens, r.via_batch
         FROM calls c JOIN responses r ON r.id = c.response_id WHERE c.agent = ?`,
      )
      .raw(true);
    this.#resultOf = db.prepare("SELECT result FROM responses WHERE id = ?").pluck(true);
    this.#insertDocument = db.prepare("INSERT OR IGNORE INTO documents (hash, size, content) VALUES (?, ?, ?)");
    this.#upsertCall = db
      .prepare(
        `INSERT INTO calls (agent, hash, occurrence, seq, session, status, provider, model, sent_at, received_at,
           canonical)
         VALUES (?, ?, ?, ?, ?, 'done', ?, ?, ?, ?,
           -- A batch answer's canonical request was recorded with its batch call.
           coalesce(?, (SELECT canonical FROM batch_calls WHERE agent = ? AND hash = ? AND occurrence = ? LIMIT 1)))
         ON CONFLICT (agent, hash, occurrence) DO UPDATE SET status = 'done',
           seq = excluded.seq, session = excluded.session, provider = excluded.provider, model = excluded.model,
           sent_at = excluded.sent_at, received_at = excluded.received_at,
           canonical = coalesce(excluded.canonical, canonical)
         RETURNING id, response_id`,
      )
      .raw(true);
    this.#insertResponse = db.prepare(
      `INSERT INTO responses (call_id, session, text, result, input_tokens, output_tokens, cached_tokens, via_batch,
         created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#pointCall = db.prepare("UPDATE calls SET response_id = ? WHERE id = ?");
    this.#insertFailure = db.prepare(
      `INSERT INTO failures (agent, hash, occurrence, seq, session, provider, model, attempt, kind, status_code,
         message, request_id, created_at, via_batch)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#saveResponses = db.transaction((records: readonly ResponseRecord[]) =>
      records.map((record) => this.#insertResponseRecord(record)),
    );
    this.#insertResponseRecord = (record: ResponseRecord) => {
      for (const [hash, content] of record.documents) this.#insertDocument.run(hash, content.length, content);
      const [callId, currentResponse] = this.#upsertCall.get(
        record.agent,
        record.hash,
        record.occurrence,
        record.seq,
        record.session,
        record.provider,
        record.model,
        record.sentAt,
        record.receivedAt,
        record.canonical ?? null,
        record.agent,
        record.hash,
        record.occurrence,
      ) as [number, number | null];
      const { lastInsertRowid } = this.#insertResponse.run(
        callId,
        record.session,
        record.result.text,
        JSON.stringify({ ...record.result, text: undefined }),
        record.result.usage.inputTokens ?? null,
        record.result.usage.outputTokens ?? null,
        record.result.usage.cachedInputTokens ?? null,
        record.viaBatch ? 1 : 0,
        record.receivedAt,
      );
      if (record.mode === "replace" || currentResponse === null) this.#pointCall.run(lastInsertRowid, callId);
      return callId;
    };
  }

  async beginSession(info: SessionInfo): Promise<number> {
    const result = this.#write(() =>
      this.#db
        .prepare("INSERT INTO sessions (started_at, strategy, pid) VALUES (?, ?, ?)")
        .run(info.startedAt, info.strategy, info.pid),
    );
    return Number(result.lastInsertRowid);
  }

  async endSession(session: number, summary: unknown): Promise<void> {
    this.#write(() =>
      this.#db
        .prepare("UPDATE sessions SET ended_at = ?, summary = ? WHERE id = ?")
        .run(Date.now(), JSON.stringify(summary), session),
    );
  }

  async previousSession(session: number): Promise<{ readonly summary: unknown } | undefined> {
    const row = this.#db.prepare("SELECT summary FROM sessions WHERE id < ? ORDER BY id DESC LIMIT 1").get(session) as
      | { summary: string | null }
      | undefined;
    return row && { summary: row.summary === null ? undefined : JSON.parse(row.summary) };
  }

  lookupSync(key: CallKey): StoredAnswer | undefined {
    const row = this.#lookup.get(key.agent, key.hash, key.occurrence) as AnswerColumns | undefined;
    return row && new StoredRow(row, 0, this.#resultOf);
  }

  agentAnswersSync(agent: string): AgentAnswers {
    const answers: AgentAnswers = new Map();
    // all() beats iterate() for the few hundred rows an agent typically has.
    for (const row of this.#agentAnswers.all(agent) as [string, number, ...AnswerColumns][]) {
      let byOccurrence = answers.get(row[0]);
      if (!byOccurrence) {
        byOccurrence = [];
        answers.set(row[0], byOccurrence);
      }
      byOccurrence[row[1]] = new StoredRow(row, 2, this.#resultOf);
    }
    return answers;
  }

  async lookup(key: CallKey): Promise<StoredAnswer | undefined> {
    return this.lookupSync(key);
  }

  /**
   * Group commit: answers that arrive in the same turn of the event loop are
   * committed in one transaction, and each promise resolves only after that
   * commit — so nothing is handed to user code before it is durable, and a busy
   * run does not pay one WAL commit per answer.
   */
  saveResponse(record: ResponseRecord): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.#queued.length === 0) setImmediate(() => this.#commitQueued());
      this.#queued.push({ record, resolve, reject });
    });
  }

  #commitQueued(): void {
    const batch = this.#queued;
    if (batch.length === 0) return;
    this.#queued = [];
    try {
      const callIds = this.#write(() => this.#saveResponses(batch.map((entry) => entry.record)));
      for (const [index, entry] of batch.entries()) entry.resolve(callIds[index]);
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }

  async saveFailure(record: FailureRecord): Promise<void> {
    this.#write(() =>
      this.#insertFailure.run(
        record.agent,
        record.hash,
        record.occurrence,
        record.seq,
        record.session,
        record.provider,
        record.model,
        record.attempt,
        record.kind,
        record.statusCode ?? null,
        record.message,
        record.requestId ?? null,
        record.at,
        record.viaBatch ? 1 : 0,
      ),
    );
  }

  async discardAnswers(keys: readonly CallKey[]): Promise<number> {
    const discard = this.#db.prepare(
      "UPDATE calls SET response_id = NULL WHERE agent = ? AND hash = ? AND occurrence = ? AND response_id IS NOT NULL",
    );
    return this.#write(() =>
      this.#db.transaction(() =>
        keys.reduce((count, key) => count + discard.run(key.agent, key.hash, key.occurrence).changes, 0),
      )(),
    );
  }

  async answeredCalls(): Promise<readonly AnsweredCall[]> {
    const rows = this.#db
      .prepare("SELECT c.id, r.session, c.agent FROM calls c JOIN responses r ON r.id = c.response_id ORDER BY c.id")
      .raw(true)
      .all() as [number, number, string][];
    return rows.map(([callId, session, agent]) => ({ callId, session, agent }));
  }

  async hasAnswers(): Promise<boolean> {
    return this.#db.prepare("SELECT EXISTS (SELECT 1 FROM responses)").pluck(true).get() === 1;
  }

  async answeredCount(session: number): Promise<{ total: number; earlier: number }> {
    const [total, earlier] = this.#db
      .prepare(
        "SELECT count(*), count(CASE WHEN r.session < ? THEN 1 END) FROM calls c JOIN responses r ON r.id = c.response_id",
      )
      .raw(true)
      .get(session) as [number, number];
    return { total, earlier };
  }

  async recordBatchIntent(intent: BatchIntent): Promise<number> {
    return this.#write(() =>
      this.#db.transaction(() => {
        const { lastInsertRowid } = this.#db
          .prepare(
            `INSERT INTO batches (tag, provider, model, state, session, request_count, bytes, created_at, updated_at)
             VALUES (?, ?, ?, 'submitting', ?, ?, ?, ?, ?)`,
          )
          .run(
            intent.tag,
            intent.provider,
            intent.model,
            intent.session,
            intent.requestCount,
            intent.bytes,
            intent.createdAt,
            intent.createdAt,
          );
        const insertCall = this.#db.prepare(
          `INSERT INTO batch_calls (batch_id, custom_id, agent, hash, occurrence, seq, canonical)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        );
        for (const call of intent.calls) {
          insertCall.run(
            lastInsertRowid,
            call.customId,
            call.agent,
            call.hash,
            call.occurrence,
            call.seq,
            call.canonical,
          );
          for (const [hash, content] of call.documents) this.#insertDocument.run(hash, content.length, content);
        }
        return Number(lastInsertRowid);
      })(),
    );
  }

  async updateBatch(
    id: number,
    change: { state: StoredBatchState; providerBatchId?: string; message?: string },
  ): Promise<void> {
    this.#write(() =>
      this.#db
        .prepare(
          `UPDATE batches SET state = ?, provider_batch_id = coalesce(?, provider_batch_id),
             message = coalesce(?, message), updated_at = ? WHERE id = ?`,
        )
        .run(change.state, change.providerBatchId ?? null, change.message ?? null, Date.now(), id),
    );
  }

  async rejectBatchMatch(id: number, providerBatchId: string, message: string): Promise<void> {
    this.#write(() =>
      this.#db
        .prepare(
          `UPDATE batches SET state = 'submitting', provider_batch_id = NULL, message = ?, updated_at = ?,
             rejected_ids = json_insert(coalesce(rejected_ids, '[]'), '$[#]', ?) WHERE id = ?`,
        )
        .run(message, Date.now(), providerBatchId, id),
    );
  }

  async knownBatchIds(provider: string): Promise<ReadonlySet<string>> {
    const ids = this.#db
      .prepare("SELECT provider_batch_id FROM batches WHERE provider = ? AND provider_batch_id IS NOT NULL")
      .pluck(true)
      .all(provider) as string[];
    return new Set(ids);
  }

  async openBatches(): Promise<readonly BatchRecord[]> {
    const rows = this.#db
      .prepare("SELECT * FROM batches WHERE state IN ('submitting', 'pending') ORDER BY id")
      .all() as Record<string, unknown>[];
    return rows.map((row) => ({
      id: row["id"] as number,
      tag: row["tag"] as string,
      provider: row["provider"] as string,
      model: row["model"] as string,
      providerBatchId: (row["provider_batch_id"] as string | null) ?? undefined,
      state: row["state"] as StoredBatchState,
      session: row["session"] as number,
      requestCount: row["request_count"] as number,
      bytes: row["bytes"] as number,
      createdAt: row["created_at"] as number,
      message: (row["message"] as string | null) ?? undefined,
      rejectedIds: JSON.parse((row["rejected_ids"] as string | null) ?? "[]") as string[],
    }));
  }

  async batchCalls(batchId: number): Promise<ReadonlyMap<string, BatchCall>> {
    // A call is in one batch at a time: an outcome received through a batch since this one was
    // created is this batch's, stored by an ingest that was cut off.
    const rows = this.#db
      .prepare(
        `SELECT bc.custom_id, bc.agent, bc.hash, bc.occurrence, bc.seq,
           EXISTS (SELECT 1 FROM calls c JOIN responses r ON r.call_id = c.id
                   WHERE c.agent = bc.agent AND c.hash = bc.hash AND c.occurrence = bc.occurrence
                     AND r.via_batch = 1 AND r.created_at >= b.created_at)
           OR EXISTS (SELECT 1 FROM failures f
                   WHERE f.agent = bc.agent AND f.hash = bc.hash AND f.occurrence = bc.occurrence
                     AND f.via_batch = 1 AND f.created_at >= b.created_at)
         FROM batch_calls bc JOIN batches b ON b.id = bc.batch_id WHERE bc.batch_id = ?`,
      )
      .raw(true)
      .all(batchId) as [string, string, string, number, number, 0 | 1][];
    return new Map(
      rows.map(([customId, agent, hash, occurrence, seq, ingested]) => [
        customId,
        { customId, agent, hash, occurrence, seq, ingested: ingested === 1 },
      ]),
    );
  }

  async pendingCalls(): Promise<ReadonlySet<string>> {
    const rows = this.#db
      .prepare(
        `SELECT bc.agent, bc.hash, bc.occurrence FROM batch_calls bc JOIN batches b ON b.id = bc.batch_id
         WHERE b.state IN ('submitting', 'pending')`,
      )
      .raw(true)
      .all() as [string, string, number][];
    return new Set(rows.map(([agent, hash, occurrence]) => answerKey({ agent, hash, occurrence })));
  }

  async failedCalls(): Promise<readonly FailedCall[]> {
    const rows = this.#db
      .prepare(
        `WITH latest AS (
           SELECT agent, hash, occurrence, max(id) AS id, sum(via_batch) AS batch_failures
           FROM failures GROUP BY agent, hash, occurrence
         )
         SELECT f.agent, f.hash, f.occurrence, f.session, f.provider, f.model, f.kind, f.status_code, f.message,
           f.request_id, l.batch_failures
         FROM latest l JOIN failures f ON f.id = l.id
         WHERE (f.kind = 'request-rejected' OR l.batch_failures > 0)
           AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.agent = l.agent AND c.hash = l.hash
             AND c.occurrence = l.occurrence AND c.response_id IS NOT NULL)`,
      )
      .raw(true)
      .all() as [
      string,
      string,
      number,
      number,
      string,
      string,
      string,
      number | null,
      string,
      string | null,
      number,
    ][];
    return rows.map(
      ([agent, hash, occurrence, session, provider, model, kind, statusCode, message, requestId, batchFailures]) => ({
        agent,
        hash,
        occurrence,
        session,
        provider,
        model,
        kind,
        statusCode: statusCode ?? undefined,
        message,
        requestId: requestId ?? undefined,
        batchFailures,
      }),
    );
  }

  async usage(session?: number): Promise<readonly UsageRow[]> {
    type Row = [string, string | null, number, number, number, number, number, number];
    const totals = (agent: string, where: string, groupBy: string) =>
      this.#db
        .prepare(
          `SELECT c.model, ${agent}, r.session, r.via_batch, count(*), coalesce(sum(r.input_tokens), 0),
             coalesce(sum(r.output_tokens), 0), coalesce(sum(r.cached_tokens), 0)
           FROM responses r JOIN calls c ON c.id = r.call_id ${where} GROUP BY ${groupBy}`,
        )
        .raw(true);
    const rows = (
      session === undefined
        ? totals("c.agent", "", "c.model, c.agent, r.session, r.via_batch").all()
        : totals("NULL", "WHERE r.session = ?", "c.model, r.via_batch").all(session)
    ) as Row[];
    return rows.map(([model, agent, session, viaBatch, answers, inputTokens, outputTokens, cachedInputTokens]) => ({
      model,
      agent: agent ?? undefined,
      session,
      viaBatch: viaBatch === 1,
      answers,
      inputTokens,
      outputTokens,
      cachedInputTokens,
    }));
  }

  async saveUserdata(key: string, json: string, session: number): Promise<void> {
    this.#write(() =>
      this.#db
        .prepare(
          `INSERT INTO userdata (key, value, session, updated_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value, session = excluded.session,
             updated_at = excluded.updated_at`,
        )
        .run(key, json, session, Date.now()),
    );
  }

  async loadUserdata(key: string): Promise<string | undefined> {
    const row = this.#db.prepare("SELECT value FROM userdata WHERE key = ?").raw(true).get(key) as [string] | undefined;
    return row?.[0];
  }

  async saveConversation(
    nodes: readonly ConversationNodeRecord[],
    heads: readonly ConversationHeadRecord[],
  ): Promise<void> {
    const insertNode = this.#db.prepare(
      `INSERT INTO conversation_nodes (id, agent, conversation, parent_id, message_json, call_id, session, created_at)
       VALUES (?, ?, ?, ?, ?, (SELECT id FROM calls WHERE agent = ? AND hash = ? AND occurrence = ?), ?, ?)
       ON CONFLICT (id) DO NOTHING`,
    );
    const moveHead = this.#db.prepare(
      `INSERT INTO conversation_heads (agent, conversation, branch, node_id) VALUES (?, ?, ?, ?)
       ON CONFLICT (agent, conversation, branch) DO UPDATE SET node_id = excluded.node_id`,
    );
    this.#write(() =>
      this.#db.transaction(() => {
        for (const node of nodes) {
          insertNode.run(
            node.id,
            node.agent,
            node.conversation,
            node.parentId ?? null,
            node.message,
            node.call?.agent ?? null,
            node.call?.hash ?? null,
            node.call?.occurrence ?? null,
            node.session,
            node.createdAt,
          );
        }
        for (const head of heads) moveHead.run(head.agent, head.conversation, head.branch, head.nodeId);
      })(),
    );
  }

  async loadConversation(agent: string, conversation: string): Promise<StoredConversation> {
    const nodeRows = this.#db
      .prepare(
        `SELECT n.id, n.parent_id, n.message_json, n.session, n.created_at, c.agent, c.hash, c.occurrence
         FROM conversation_nodes n LEFT JOIN calls c ON c.id = n.call_id
         WHERE n.agent = ? AND n.conversation = ? ORDER BY n.rowid`,
      )
      .raw(true)
      .all(agent, conversation) as [string, string | null, string, number, number, string | null, string, number][];
    const headRows = this.#db
      .prepare("SELECT branch, node_id FROM conversation_heads WHERE agent = ? AND conversation = ?")
      .raw(true)
      .all(agent, conversation) as [string, string][];
    return {
      nodes: nodeRows.map(([id, parentId, message, session, createdAt, callAgent, hash, occurrence]) => ({
        id,
        agent,
        conversation,
        parentId: parentId ?? undefined,
        message,
        call: callAgent === null ? undefined : { agent: callAgent, hash, occurrence },
        session,
        createdAt,
      })),
      heads: headRows.map(([branch, nodeId]) => ({ agent, conversation, branch, nodeId })),
    };
  }

  async close(): Promise<void> {
    // Answers waiting for their group commit were paid for: commit them before closing.
    if (this.#queued.length > 0) this.#commitQueued();
    try {
      if (this.#db.open) this.#db.close();
    } finally {
      this.#lock?.release();
    }
  }

  /** Run a write, turning SQLite's disk and permission codes into messages a user can act on. */
  #write<T>(write: () => T): T {
    try {
      return write();
    } catch (error) {
      throw storeWriteError(error, this.location);
    }
  }
}

/** What the replay queries select of an answer, in this order: call id, session, text, response id, tokens, batch. */
type AnswerColumns = [number, number, string, number, number | null, number | null, number];

/**
 * A stored answer whose result (usage, tool calls...) is read and decoded only when
 * something beyond the text is needed: most replays only want the text.
 */
class StoredRow implements StoredAnswer {
  readonly callId: number;
  readonly session: number;
  readonly text: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly viaBatch: boolean;
  readonly #responseId: number;
  readonly #resultOf: Statement;
  #result: LLMResult | undefined;

  /** From the `AnswerColumns` of `row` that start at `at`. */
  constructor(row: readonly unknown[], at: number, resultOf: Statement) {
    this.callId = row[at] as number;
    this.session = row[at + 1] as number;
    this.text = row[at + 2] as string;
    this.#responseId = row[at + 3] as number;
    this.inputTokens = (row[at + 4] as number | null) ?? 0;
    this.outputTokens = (row[at + 5] as number | null) ?? 0;
    this.viaBatch = row[at + 6] === 1;
    this.#resultOf = resultOf;
  }

  get result(): LLMResult {
    if (this.#result === undefined) {
      const json = this.#resultOf.get(this.#responseId) as string;
      this.#result = { ...(JSON.parse(json) as Omit<LLMResult, "text">), text: this.text };
    }
    return this.#result;
  }
}

export interface SqliteStoreOptions {
  /**
   * When another process has the workspace open: `"fail"` at once with a
   * `StoreError` naming it, or `"wait"` until it closes.
   * @default "fail"
   */
  readonly lock?: "fail" | "wait";
}

/**
 * Take the workspace lock (`<path>.lock`), then open (creating if needed) and
 * migrate a SQLite store, refusing files that are not ours.
 */
export async function createSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  const lock = await acquireWorkspaceLock(`${path}.lock`, { mode: options.lock });
  try {
    return new SqliteStore(path, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

function openDatabase(path: string): Database.Database {
  const existed = existsSync(path) && statSync(path).size > 0;
  let db: Database.Database;
  try {
    db = new Database(path, { fileMustExist: false });
  } catch (error) {
    throw new StoreError(
      `Cannot open the store at ${path}: ${(error as Error).message}. Check that the workspace directory exists and is writable.`,
      { cause: error },
    );
  }
  try {
    const foundId = readPragma(db, "application_id", path);
    const version = readPragma(db, "user_version", path);
    if (existed && foundId !== applicationId) {
      const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master").get() as { n: number };
      if (tables.n > 0 || foundId !== 0) {
        throw new StoreError(
          `${path} is a SQLite database but not a parallellm store; it was left untouched. Open a different workspace directory.`,
        );
      }
    }
    if (version > sqliteMigrations.length) {
      throw new StoreError(
        `${path} was written by a newer parallellm (schema ${version}; this version knows ${sqliteMigrations.length}). Upgrade parallellm to open it; the store was left untouched.`,
      );
    }
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    // Replays are point lookups over the whole store: map it (a replay of 50,000 one-ask
    // agents is ~15% faster than through read calls) and keep a large page cache. Mapped
    // pages count in RSS but are the file's own, given back under memory pressure.
    db.pragma("mmap_size = 1073741824");
    db.pragma("cache_size = -16384");
    const migrate = db.transaction(() => {
      for (let index = version; index < sqliteMigrations.length; index++) db.exec(sqliteMigrations[index]);
      db.pragma(`application_id = ${applicationId}`);
      db.pragma(`user_version = ${sqliteMigrations.length}`);
    });
    if (version < sqliteMigrations.length) migrate();
    return db;
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    throw storeWriteError(error, path);
  }
}

function readPragma(db: Database.Database, name: string, path: string): number {
  try {
    return Number(db.pragma(name, { simple: true }));
  } catch (error) {
    if ((error as { code?: string }).code === "SQLITE_NOTADB") {
      throw new StoreError(`${path} is not a parallellm store (not a SQLite database); it was left untouched.`, {
        cause: error,
      });
    }
    throw error;
  }
}

function storeWriteError(error: unknown, path: string): StoreError {
  const code = (error as { code?: string }).code ?? "";
  if (code === "SQLITE_FULL") {
    return new StoreError(`The disk holding ${path} is full; free space and rerun — nothing committed was lost.`, {
      cause: error,
    });
  }
  if (code === "SQLITE_READONLY" || code.startsWith("SQLITE_READONLY") || code === "SQLITE_CANTOPEN") {
    return new StoreError(`The store at ${path} is read-only or cannot be opened for writing; check its permissions.`, {
      cause: error,
    });
  }
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
    return new StoreError(`${path} is not a usable parallellm store (${code}); it was left untouched.`, {
      cause: error,
    });
  }
  return new StoreError(`The store at ${path} failed: ${(error as Error).message}`, { cause: error });
}
