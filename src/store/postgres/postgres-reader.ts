/**
 * The read-only view of a PostgreSQL store (`inspectPostgres`): the SQL the
 * SQLite reader runs (`src/store/sql/sql-reader-*.ts`), run through the pool,
 * each answer in one repeatable-read, read-only transaction (one snapshot while
 * workers write). No session, no lock, no write, no migration.
 */
import { documentReferences } from "../../core/canonical.js";
import { InputError } from "../../core/errors.js";
import { type CostReport, storedCostReport } from "../../dashboard/cost-report.js";
import { type StoredProgress, storedProgress } from "../../dashboard/progress.js";
import type { ExportOptions, ExportResult, ExportRow } from "../../export/export-row.js";
import { splitExportOptions, writeExportFile } from "../../export/write-export.js";
import type { ModelPrice } from "../../providers/model-prices.js";
import { toUsageRows, usageQuery } from "../sql/sql-answers.js";
import type { SqlConnection, SqlValue } from "../sql/sql-connection.js";
import {
  type CallRowValues,
  callRowsStatement,
  checkLimit,
  decodeCursor,
  encodeCursor,
  type ReaderDialect,
  toCallRow,
} from "../sql/sql-reader-calls.js";
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
  type AnswerValues,
  type AttemptValues,
  answersSql,
  attemptsSql,
  batchIdsSql,
  callDetailOf,
  callKeySql,
  canonicalSql,
  documentSql,
  toAttempt,
  toReceivedAnswer,
} from "../sql/sql-reader-detail.js";
import {
  answeredByModelSql,
  type BatchRowValues,
  batchRowsSql,
  type FailedCallValues,
  failureRowsSql,
  type ModelCallValues,
  modelLines,
  openByModelSql,
  overviewOf,
  type SessionRowValues,
  sessionRowsSql,
  toBatchRow,
  toFailedCallRow,
  toSessionRow,
  usageBySessionSql,
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
import { liveSessions } from "./postgres-live-sessions.js";
import { openPostgres, type PostgresTarget } from "./postgres-open.js";
import { PostgresExportRows } from "./postgres-reader-export.js";

/** PostgreSQL's reader SQL: globs as anchored regular expressions, ILIKE, text compared by its bytes (`COLLATE "C"`). */
export const postgresReaderDialect: ReaderDialect = {
  glob: (column, pattern) => [`${column} COLLATE "C" ~ ?`, globRegExp(pattern)],
  startsWith: (column, prefix) => [`starts_with(${column}, ?)`, prefix],
  likeInsensitive: "ILIKE",
  byteOrder: (column) => `${column} COLLATE "C"`,
  noLimit: null,
};

export class PostgresReader implements WorkspaceReader {
  readonly location: string;
  readonly #connection: SqlConnection;
  readonly #prices: Readonly<Record<string, ModelPrice>>;
  readonly #exports: PostgresExportRows;

  constructor(connection: SqlConnection, location: string, prices: Readonly<Record<string, ModelPrice>>) {
    this.#connection = connection;
    this.location = location;
    this.#prices = prices;
    this.#exports = new PostgresExportRows(prices, (body) => this.#read(body), callPage);
  }

  async sessions(): Promise<readonly SessionRow[]> {
    return this.#read(async (read) => sessionRows(read, postgresReaderDialect.noLimit));
  }

  async overview(options: OverviewOptions = {}): Promise<WorkspaceOverview> {
    checkOverviewOptions(options);
    return this.#read(async (read) => {
      const sessions = await sessionRows(read, options.sessions ?? 5);
      const [sessionCount] = (await read.get("SELECT count(*) FROM sessions")) as [number];
      const { models } = modelLines([
        ...((await read.all(answeredByModelSql)) as ModelCallValues[]),
        ...((await read.all(openByModelSql)) as ModelCallValues[]),
      ]);
      const pending = (await read.all(
        "SELECT id FROM batches WHERE state IN ('submitting', 'pending') ORDER BY id",
      )) as [number][];
      return overviewOf({
        sessions,
        sessionCount,
        running: await liveSessions(read),
        models,
        agents: await topAgents(read, options.agents ?? 10),
        usage: toUsageRows(await read.all(usageBySessionSql)),
        pendingBatches: await batchRows(
          read,
          pending.map(([id]) => id),
        ),
        failures: await failureRows(read, options.failures ?? 3),
        prices: this.#prices,
      });
    });
  }

  async calls(options: CallPageOptions = {}): Promise<CallPage> {
    return this.#read((read) => callPage(read, options));
  }

  async *eachCall(filter: CallFilter & { readonly pageSize?: number | undefined } = {}): AsyncIterable<CallRow> {
    const { pageSize, ...rest } = filter;
    let after: string | undefined;
    do {
      const page = await this.calls({ ...rest, limit: pageSize ?? 1000, after });
      yield* page.calls;
      after = page.next;
    } while (after !== undefined);
  }

  exportRows(filter: CallFilter & { readonly pageSize?: number | undefined } = {}): AsyncIterable<ExportRow> {
    return this.#exports.rows(filter);
  }

  async export(options: ExportOptions): Promise<ExportResult> {
    const { filter, file } = splitExportOptions(options);
    return writeExportFile(this.#exports.rows(filter), file);
  }

  async call(id: number | CallKey): Promise<CallDetail | undefined> {
    checkCallId(id);
    const detail = await this.#read(async (read) => {
      const key = typeof id === "number" ? await keyOf(read, id) : id;
      const row = key && (await calledRows(read, {}, key, 1, true))[0];
      if (!row) return undefined;
      const identity = [row.agent, row.hash, row.occurrence];
      const [canonical] = ((await read.get(canonicalSql, [...identity, ...identity])) ?? [null]) as [string | null];
      const documents: Record<string, string> = {};
      for (const hash of canonical === null ? [] : documentReferences(canonical)) {
        const content = (await read.get(documentSql, [hash])) as [string] | undefined;
        if (content !== undefined) documents[hash] = content[0];
      }
      const answers = row.id === undefined ? [] : ((await read.all(answersSql, [row.id])) as AnswerValues[]);
      const attempts = (await read.all(attemptsSql, identity)) as AttemptValues[];
      const batchIds = (await read.all(batchIdsSql, identity)) as [number][];
      return callDetailOf(
        row,
        canonical ?? undefined,
        documents,
        answers.map(toReceivedAnswer),
        attempts.map(toAttempt),
        await batchRows(
          read,
          batchIds.map(([batch]) => batch),
        ),
      );
    });
    return detail && { ...detail, cost: answerCost(detail, this.#prices) };
  }

  async batches(): Promise<readonly BatchRow[]> {
    return this.#read((read) => batchRows(read, undefined));
  }

  async failures(): Promise<readonly FailedCallRow[]> {
    return this.#read((read) => failureRows(read, postgresReaderDialect.noLimit));
  }

  async conversations(): Promise<readonly ConversationRow[]> {
    return this.#read(async (read) =>
      conversationRowsOf(
        (await read.all(conversationsSql)) as ConversationValues[],
        (await read.all(conversationBranchesSql)) as [string, string, string][],
      ),
    );
  }

  async conversation(agent: string, conversation: string): Promise<ConversationTree | undefined> {
    return this.#read(async (read) =>
      conversationTreeOf(
        agent,
        conversation,
        (await read.all(conversationNodesSql(read.dialect.insertionOrder), [
          agent,
          conversation,
        ])) as ConversationNodeValues[],
        (await read.all(conversationHeadsSql, [agent, conversation])) as [string, string][],
      ),
    );
  }

  async usage(): Promise<readonly UsageRow[]> {
    return this.#read((read) => usageRows(read, undefined));
  }

  async cost(session?: number): Promise<CostReport> {
    return this.#read(async (read) => {
      const about = await this.#session(read, session);
      return storedCostReport(await usageRows(read, undefined), about, this.#prices);
    });
  }

  async progress(session?: number): Promise<StoredProgress> {
    return this.#read(async (read) => {
      const about = await this.#session(read, session);
      const rows = about === undefined ? [] : await usageRows(read, about.id);
      const [pending] = (await read.get("SELECT count(*) FROM batches WHERE state IN ('submitting', 'pending')")) as [
        number,
      ];
      return storedProgress(rows, pending, this.#prices);
    });
  }

  async changes(): Promise<string> {
    return changeSignatureOf((await this.#connection.get(changeSignatureSql)) ?? []);
  }

  async close(): Promise<void> {
    await this.#connection.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Runs `body` in one repeatable-read, read-only transaction: every statement sees one snapshot. */
  #read<T>(body: (read: SqlConnection) => Promise<T>): Promise<T> {
    return this.#connection.transaction(async (read) => {
      await read.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      return body(read);
    });
  }

  /** `session`, or the latest; `undefined` for a workspace without sessions. Refuses a session it does not have. */
  async #session(
    read: SqlConnection,
    session: number | undefined,
  ): Promise<{ readonly id: number; readonly summary: unknown } | undefined> {
    const row = (await read.get(
      session === undefined
        ? "SELECT id, summary FROM sessions ORDER BY id DESC LIMIT 1"
        : "SELECT id, summary FROM sessions WHERE id = ?",
      session === undefined ? [] : [session],
    )) as [number, string | null] | undefined;
    if (session !== undefined && row === undefined) {
      throw new InputError(`The workspace at ${this.location} has no session ${String(session)}; see sessions().`);
    }
    return row && { id: row[0], summary: row[1] === null ? undefined : JSON.parse(row[1]) };
  }
}

// --- internal ---

async function sessionRows(read: SqlConnection, last: SqlValue): Promise<SessionRow[]> {
  const rows = (await read.all(sessionRowsSql, [last])) as SessionRowValues[];
  return rows.reverse().map(toSessionRow);
}

async function callPage(read: SqlConnection, options: CallPageOptions): Promise<CallPage> {
  const limit = checkLimit(options.limit);
  const from = options.after === undefined ? undefined : decodeCursor(options.after);
  const calls = await calledRows(read, options, from, limit);
  const last = calls.at(-1);
  return { calls, next: calls.length === limit && last ? encodeCursor(last) : undefined };
}

async function calledRows(
  read: SqlConnection,
  filter: CallFilter,
  from: CallKey | undefined,
  limit: number,
  exactly = false,
): Promise<CallRow[]> {
  const { sql, values } = callRowsStatement(postgresReaderDialect, filter, from, limit, exactly);
  return ((await read.all(sql, values)) as CallRowValues[]).map(toCallRow);
}

async function keyOf(read: SqlConnection, id: number): Promise<CallKey | undefined> {
  const row = (await read.get(callKeySql, [id])) as [string, string, number] | undefined;
  return row && { agent: row[0], hash: row[1], occurrence: row[2] };
}

async function batchRows(read: SqlConnection, ids: readonly number[] | undefined): Promise<BatchRow[]> {
  if (ids?.length === 0) return [];
  return ((await read.all(batchRowsSql(ids?.length), ids ?? [])) as BatchRowValues[]).map(toBatchRow);
}

async function failureRows(read: SqlConnection, limit: SqlValue): Promise<FailedCallRow[]> {
  return ((await read.all(failureRowsSql, [limit])) as FailedCallValues[]).map(toFailedCallRow);
}

async function usageRows(read: SqlConnection, session: number | undefined): Promise<UsageRow[]> {
  const query = usageQuery(session);
  return toUsageRows(await read.all(query.sql, query.params));
}

/**
 * How many agents there are, and the `limit` with most calls (ties by name in byte order, as
 * SQLite orders text): every identity with a call row, a failure or a batch call counts.
 */
async function topAgents(read: SqlConnection, limit: number): Promise<WorkspaceOverview["agents"]> {
  const perAgent = `WITH ids AS (
      SELECT agent, hash, occurrence FROM calls
      UNION SELECT agent, hash, occurrence FROM failures
      UNION SELECT agent, hash, occurrence FROM batch_calls
    )
    SELECT agent, count(*) AS calls FROM ids GROUP BY agent`;
  const [total] = (await read.get(`SELECT count(*) FROM (${perAgent}) a`)) as [number];
  const top = (await read.all(`${perAgent} ORDER BY calls DESC, agent COLLATE "C" LIMIT ?`, [limit])) as [
    string,
    number,
  ][];
  return { total, top: top.map(([agent, calls]) => ({ agent, calls })) };
}

/** SQLite's GLOB as an anchored POSIX regular expression: `*`, `?` and `[...]` (`[^...]` negated); the rest literal. */
function globRegExp(pattern: string): string {
  let out = "^";
  for (let at = 0; at < pattern.length; at++) {
    const char = pattern[at]!;
    if (char === "*") out += ".*";
    else if (char === "?") out += ".";
    else if (char === "[") {
      const end = pattern.indexOf("]", at + 2);
      if (end === -1) out += "\\[";
      else {
        out += `[${pattern.slice(at + 1, end).replace(/\\/g, "\\\\")}]`;
        at = end;
      }
    } else out += char.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return `${out}$`;
}

/** Opens the PostgreSQL store at `target` for reading; `prices` price the cost figures. */
export function openPostgresReader(
  target: PostgresTarget,
  prices: Readonly<Record<string, ModelPrice>>,
): PostgresReader {
  const { connection, location } = openPostgres(target, "read");
  return new PostgresReader(connection, location, prices);
}
