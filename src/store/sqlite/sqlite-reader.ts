/**
 * The read-only view of a SQLite workspace. Opens the store file read-only:
 * no lock, no session, no write, no network; each answer is read in one
 * statement or one read transaction, so it is consistent while a pipeline
 * writes.
 */
import { dirname, join, resolve } from "node:path";
import type Database from "better-sqlite3";
import { InputError } from "../../core/errors.js";
import type { Message } from "../../core/llm.js";
import { type CostReport, costReport } from "../../dashboard/cost-report.js";
import { type StoredProgress, storedProgress } from "../../dashboard/progress.js";
import type { ExportOptions, ExportResult, ExportRow } from "../../export/export-row.js";
import { splitExportOptions, writeExportFile } from "../../export/write-export.js";
import { costOf, type ModelPrice } from "../../providers/model-prices.js";
import { toUsageRows, usageQuery } from "../sql/sql-answers.js";
import type { CallKey, StoredBatchState, UsageRow } from "../store.js";
import type {
  BatchRow,
  CallDetail,
  CallFilter,
  CallPage,
  CallPageOptions,
  CallRow,
  ConversationRow,
  ConversationTree,
  FailedCallRow,
  OverviewOptions,
  SessionRow,
  WorkspaceOverview,
  WorkspaceReader,
} from "../workspace-reader.js";
import { CallRows } from "./sqlite-reader-calls.js";
import { readCallDetail } from "./sqlite-reader-detail.js";
import { ExportRows } from "./sqlite-reader-export.js";
import { openReadOnly } from "./sqlite-reader-open.js";
import { readOverview, readSessions } from "./sqlite-reader-overview.js";

/** Opens the workspace in `directory` for reading; `prices` price the cost figures (as `Parallellm.open` takes them). */
export function openSqliteReader(directory: string, prices: Readonly<Record<string, ModelPrice>> = {}): SqliteReader {
  const path = join(resolve(directory), "store.sqlite");
  return new SqliteReader(path, openReadOnly(path, directory), prices);
}

export class SqliteReader implements WorkspaceReader {
  readonly location: string;
  readonly #db: Database.Database;
  readonly #prices: Readonly<Record<string, ModelPrice>>;
  readonly #calls: CallRows;
  readonly #exports: ExportRows;

  constructor(location: string, db: Database.Database, prices: Readonly<Record<string, ModelPrice>>) {
    this.location = location;
    this.#db = db;
    this.#prices = prices;
    this.#calls = new CallRows(db);
    this.#exports = new ExportRows(db, this.#calls, prices);
  }

  async sessions(): Promise<readonly SessionRow[]> {
    return readSessions(this.#db);
  }

  async overview(options?: OverviewOptions): Promise<WorkspaceOverview> {
    checkOverviewOptions(options ?? {});
    const pendingBatches = () =>
      this.#batchRows(
        this.#db
          .prepare("SELECT id FROM batches WHERE state IN ('submitting', 'pending') ORDER BY id")
          .pluck(true)
          .all() as number[],
      );
    const failures = (limit: number) => this.#failureRows(limit);
    return readOverview(
      { db: this.#db, location: this.location, prices: this.#prices, pendingBatches, failures },
      options,
    );
  }

  async calls(options?: CallPageOptions): Promise<CallPage> {
    return this.#calls.page(options);
  }

  async *eachCall(filter: CallFilter & { readonly pageSize?: number | undefined } = {}): AsyncIterable<CallRow> {
    const { pageSize, ...rest } = filter;
    let after: string | undefined;
    do {
      const page = this.#calls.page({ ...rest, limit: pageSize ?? 1000, after });
      yield* page.calls;
      after = page.next;
    } while (after !== undefined);
  }

  exportRows(filter: CallFilter & { readonly pageSize?: number | undefined } = {}): AsyncIterable<ExportRow> {
    return this.#exports.rows(filter);
  }

  async export(options: ExportOptions): Promise<ExportResult> {
    const { filter, file } = splitExportOptions(options);
    return writeExportFile(this.#exports.rows(filter), file, dirname(this.location));
  }

  async call(id: number | CallKey): Promise<CallDetail | undefined> {
    checkCallId(id);
    const detail = readCallDetail(this.#db, this.#calls, id, (ids) => this.#batchRows(ids));
    return detail && { ...detail, cost: answerCost(detail, this.#prices) };
  }

  async batches(): Promise<readonly BatchRow[]> {
    return this.#batchRows(undefined);
  }

  /** Batches with their calls counted by where they stand; `ids` narrows them. */
  #batchRows(ids: readonly number[] | undefined): BatchRow[] {
    if (ids?.length === 0) return [];
    const rows = this.#db
      .prepare(
        `SELECT b.id, b.tag, b.provider, b.model, b.provider_batch_id, b.state, b.session, b.created_at,
           b.updated_at, b.message, b.bytes, count(bc.custom_id),
           count(c.response_id),
           count(CASE WHEN c.response_id IS NULL AND EXISTS (SELECT 1 FROM failures f
             WHERE f.agent = bc.agent AND f.hash = bc.hash AND f.occurrence = bc.occurrence
               AND f.created_at >= b.created_at) THEN 1 END)
         FROM batches b
         LEFT JOIN batch_calls bc ON bc.batch_id = b.id
         LEFT JOIN calls c ON c.agent = bc.agent AND c.hash = bc.hash AND c.occurrence = bc.occurrence
         ${ids === undefined ? "" : `WHERE b.id IN (${ids.map(() => "?").join(", ")})`}
         GROUP BY b.id ORDER BY b.id`,
      )
      .raw(true)
      .all(...(ids ?? [])) as [
      number,
      string,
      string,
      string,
      string | null,
      StoredBatchState,
      number,
      number,
      number,
      string | null,
      number,
      number,
      number,
      number,
    ][];
    return rows.map(
      ([
        id,
        tag,
        provider,
        model,
        providerBatchId,
        state,
        session,
        createdAt,
        updatedAt,
        message,
        bytes,
        ...counts
      ]) => {
        const [requests, answered, failed] = counts;
        return {
          id,
          tag,
          provider,
          model,
          providerBatchId: providerBatchId ?? undefined,
          state,
          session,
          createdAt,
          updatedAt,
          message: message ?? undefined,
          requests,
          bytes,
          answered,
          failed,
          open: requests - answered - failed,
        };
      },
    );
  }

  async failures(): Promise<readonly FailedCallRow[]> {
    return this.#failureRows(-1);
  }

  /** The first `limit` failed calls (every one with -1). */
  #failureRows(limit: number): FailedCallRow[] {
    const rows = this.#db
      .prepare(
        `WITH latest AS (
           SELECT agent, hash, occurrence, max(id) AS id, count(*) AS attempts,
             sum(via_batch) AS batch_attempts FROM failures
           GROUP BY agent, hash, occurrence
         )
         SELECT f.agent, f.hash, f.occurrence, f.session, f.provider, f.model, f.kind, f.status_code, f.message,
           f.request_id, f.created_at, l.attempts, l.batch_attempts
         FROM latest l JOIN failures f ON f.id = l.id
         WHERE NOT EXISTS (SELECT 1 FROM calls c WHERE c.agent = l.agent AND c.hash = l.hash
             AND c.occurrence = l.occurrence AND c.response_id IS NOT NULL)
           AND NOT EXISTS (SELECT 1 FROM batch_calls bc JOIN batches b ON b.id = bc.batch_id
             WHERE bc.agent = l.agent AND bc.hash = l.hash AND bc.occurrence = l.occurrence
               AND b.state IN ('submitting', 'pending')
               AND b.id = (SELECT max(batch_id) FROM batch_calls WHERE agent = l.agent AND hash = l.hash
                 AND occurrence = l.occurrence))
         ORDER BY f.id LIMIT ?`,
      )
      .raw(true)
      .all(limit) as [
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
      number,
      number,
    ][];
    return rows.map(
      ([agent, hash, occurrence, session, provider, model, kind, statusCode, message, requestId, at, ...counts]) => ({
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
        at,
        attempts: counts[0],
        batchAttempts: counts[1],
      }),
    );
  }

  async conversations(): Promise<readonly ConversationRow[]> {
    return this.#db.transaction(() => {
      const rows = this.#db
        .prepare(
          `SELECT agent, conversation, count(*), min(created_at) FROM conversation_nodes
           GROUP BY agent, conversation ORDER BY agent, conversation`,
        )
        .raw(true)
        .all() as [string, string, number, number][];
      const branches = new Map<string, string[]>();
      const heads = this.#db
        .prepare("SELECT agent, conversation, branch FROM conversation_heads ORDER BY branch")
        .raw(true)
        .all() as [string, string, string][];
      for (const [agent, conversation, branch] of heads) {
        const key = JSON.stringify([agent, conversation]);
        branches.set(key, [...(branches.get(key) ?? []), branch]);
      }
      return rows.map(([agent, conversation, messages, createdAt]) => ({
        agent,
        conversation,
        messages,
        branches: branches.get(JSON.stringify([agent, conversation])) ?? [],
        createdAt,
      }));
    })();
  }

  async conversation(agent: string, conversation: string): Promise<ConversationTree | undefined> {
    return this.#db.transaction(() => {
      const nodes = this.#db
        .prepare(
          `SELECT n.id, n.parent_id, n.message_json, n.session, n.created_at, c.agent, c.hash, c.occurrence
           FROM conversation_nodes n LEFT JOIN calls c ON c.id = n.call_id
           WHERE n.agent = ? AND n.conversation = ? ORDER BY n.rowid`,
        )
        .raw(true)
        .all(agent, conversation) as [string, string | null, string, number, number, string | null, string, number][];
      if (nodes.length === 0) return undefined;
      const heads = this.#db
        .prepare("SELECT branch, node_id FROM conversation_heads WHERE agent = ? AND conversation = ? ORDER BY branch")
        .raw(true)
        .all(agent, conversation) as [string, string][];
      return {
        agent,
        conversation,
        nodes: nodes.map(([id, parentId, message, session, createdAt, callAgent, hash, occurrence]) => ({
          id,
          parentId: parentId ?? undefined,
          message: JSON.parse(message) as Message,
          call: callAgent === null ? undefined : { agent: callAgent, hash, occurrence },
          session,
          createdAt,
        })),
        heads: Object.fromEntries(heads),
      };
    })();
  }

  async usage(): Promise<readonly UsageRow[]> {
    return this.#usage(undefined);
  }

  async cost(session?: number): Promise<CostReport> {
    return this.#db.transaction(() => {
      const about = this.#session(session);
      const report = costReport(this.#usage(undefined), about?.id ?? 0, [], this.#prices);
      // What replayed answers saved is known to the run alone: as its summary said, once it ended.
      const summary = about?.summary as { cost?: { savedByReplay?: number } } | null | undefined;
      return { ...report, savedByReplay: summary?.cost?.savedByReplay };
    })();
  }

  async progress(session?: number): Promise<StoredProgress> {
    return this.#db.transaction(() => {
      const about = this.#session(session);
      const rows = about === undefined ? [] : this.#usage(about.id);
      const pending = this.#db
        .prepare("SELECT count(*) FROM batches WHERE state IN ('submitting', 'pending')")
        .pluck(true)
        .get() as number;
      return storedProgress(rows, pending, this.#prices);
    })();
  }

  /** `session`, or the latest; `undefined` for a workspace without sessions. Refuses a session it does not have. */
  #session(session: number | undefined): { readonly id: number; readonly summary: unknown } | undefined {
    const row = this.#db
      .prepare(
        session === undefined
          ? "SELECT id, summary FROM sessions ORDER BY id DESC LIMIT 1"
          : "SELECT id, summary FROM sessions WHERE id = ?",
      )
      .raw(true)
      .get(...(session === undefined ? [] : [session])) as [number, string | null] | undefined;
    if (session !== undefined && row === undefined) {
      throw new InputError(`The workspace at ${this.location} has no session ${String(session)}; see sessions().`);
    }
    return row && { id: row[0], summary: row[1] === null ? undefined : JSON.parse(row[1]) };
  }

  /** Tokens by model, agent, session and batch; one session's by model and batch only. */
  #usage(session: number | undefined): UsageRow[] {
    const query = usageQuery(session);
    return toUsageRows(
      this.#db
        .prepare(query.sql)
        .raw(true)
        .all(...query.params),
    );
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** The answer in use priced as the cost report prices it: by the model asked, at the batch price when it came by batch. */
function answerCost(
  detail: Omit<CallDetail, "cost">,
  prices: Readonly<Record<string, ModelPrice>>,
): number | undefined {
  const usage = detail.answer?.usage;
  if (usage?.inputTokens === undefined || detail.model === undefined) return undefined;
  const viaBatch = detail.answers.some((answer) => answer.inUse && answer.viaBatch);
  return costOf(
    detail.model,
    { input: usage.inputTokens, output: usage.outputTokens, cachedInput: usage.cachedInputTokens },
    { batch: viaBatch, overrides: prices },
  );
}

function checkOverviewOptions(options: OverviewOptions): void {
  for (const name of ["sessions", "agents", "failures"] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new InputError(
        `overview({ ${name} }) takes a whole number of rows to list (0 or more), got ${String(value)}.`,
      );
    }
  }
}

function checkCallId(id: unknown): asserts id is number | CallKey {
  if (typeof id === "number" ? Number.isInteger(id) && id > 0 : isCallKey(id)) return;
  throw new InputError(
    `call() takes a call's id (a whole number, as calls() lists it) or its { agent, hash, occurrence }, got ${JSON.stringify(id) ?? String(id)}.`,
  );
}

function isCallKey(value: unknown): value is CallKey {
  const key = value as Partial<CallKey> | null;
  return (
    typeof key === "object" &&
    key !== null &&
    typeof key.agent === "string" &&
    typeof key.hash === "string" &&
    Number.isInteger(key.occurrence)
  );
}
