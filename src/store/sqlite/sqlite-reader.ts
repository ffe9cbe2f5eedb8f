/**
 * The read-only view of a SQLite workspace. Opens the store file read-only:
 * no lock, no session, no write, no network; each answer is read in one
 * statement or one read transaction, so it is consistent while a pipeline
 * writes.
 */
import { dirname, join, resolve } from "node:path";
import type Database from "better-sqlite3";
import { InputError } from "../../core/errors.js";
import { type CostReport, storedCostReport } from "../../dashboard/cost-report.js";
import { type StoredProgress, storedProgress } from "../../dashboard/progress.js";
import type { ExportOptions, ExportResult, ExportRow } from "../../export/export-row.js";
import { splitExportOptions, writeExportFile } from "../../export/write-export.js";
import type { ModelPrice } from "../../providers/model-prices.js";
import { toUsageRows, usageQuery } from "../sql/sql-answers.js";
import { changeSignatureOf, changeSignatureSql } from "../sql/sql-reader-changes.js";
import { answerCost, checkCallId, checkOverviewOptions } from "../sql/sql-reader-checks.js";
import {
  type ConversationNodeValues,
  type ConversationValues,
  conversationBranchesSql,
  conversationHeadsSql,
  conversationNodesSql,
  conversationRowsOf,
  conversationsSql,
  conversationTreeOf,
} from "../sql/sql-reader-conversations.js";
import {
  type BatchRowValues,
  batchRowsSql,
  type FailedCallValues,
  failureRowsSql,
  toBatchRow,
  toFailedCallRow,
} from "../sql/sql-reader-queries.js";
import type { CallKey, UsageRow } from "../store.js";
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
      .prepare(batchRowsSql(ids?.length))
      .raw(true)
      .all(...(ids ?? [])) as BatchRowValues[];
    return rows.map(toBatchRow);
  }

  async failures(): Promise<readonly FailedCallRow[]> {
    return this.#failureRows(-1);
  }

  /** The first `limit` failed calls (every one with -1). */
  #failureRows(limit: number): FailedCallRow[] {
    const rows = this.#db.prepare(failureRowsSql).raw(true).all(limit) as FailedCallValues[];
    return rows.map(toFailedCallRow);
  }

  async conversations(): Promise<readonly ConversationRow[]> {
    return this.#db.transaction(() =>
      conversationRowsOf(
        this.#db.prepare(conversationsSql).raw(true).all() as ConversationValues[],
        this.#db.prepare(conversationBranchesSql).raw(true).all() as [string, string, string][],
      ),
    )();
  }

  async conversation(agent: string, conversation: string): Promise<ConversationTree | undefined> {
    return this.#db.transaction(() =>
      conversationTreeOf(
        agent,
        conversation,
        this.#db.prepare(conversationNodesSql("rowid")).raw(true).all(agent, conversation) as ConversationNodeValues[],
        this.#db.prepare(conversationHeadsSql).raw(true).all(agent, conversation) as [string, string][],
      ),
    )();
  }

  async usage(): Promise<readonly UsageRow[]> {
    return this.#usage(undefined);
  }

  async cost(session?: number): Promise<CostReport> {
    return this.#db.transaction(() => {
      const about = this.#session(session);
      return storedCostReport(this.#usage(undefined), about, this.#prices);
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

  async changes(): Promise<string> {
    return changeSignatureOf(this.#db.prepare(changeSignatureSql).raw(true).get() as unknown[]);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
