/**
 * What `pllm status` shows, counted in aggregate queries over the existing
 * indexes in one read transaction: answered calls come from one pass over
 * `calls`; only the calls without an answer (pending, failed, taken back) are
 * judged one by one, so a workspace of a million answered calls reads fast.
 */
import type Database from "better-sqlite3";
import { sessionCost } from "../../dashboard/cost-report.js";
import { type ModelPrice, pricesTakenOn } from "../../providers/model-prices.js";
import { toUsageRows, usageQuery } from "../sql/sql-answers.js";
import type { UsageRow } from "../store.js";
import type {
  BatchRow,
  CallStatus,
  FailedCallRow,
  ModelCalls,
  OverviewOptions,
  SessionRow,
  SpendFigures,
  WorkspaceOverview,
} from "../workspace-reader.js";
import { lockHolder } from "./workspace-lock.js";

const sameCall = (alias: string, other = "i") =>
  `${alias}.agent = ${other}.agent AND ${alias}.hash = ${other}.hash AND ${alias}.occurrence = ${other}.occurrence`;

/**
 * Every call without an answer in use, with where it stands (as `calls()` judges it) and
 * whether it has a call row. Identities only in `failures` or `batch_calls` have none.
 */
const openCalls = `
  WITH ids AS (
    SELECT agent, hash, occurrence FROM calls WHERE response_id IS NULL
    UNION SELECT agent, hash, occurrence FROM failures
    UNION SELECT agent, hash, occurrence FROM batch_calls
  ),
  open AS (
    SELECT i.agent, c.id AS call_id, c.provider AS call_provider, c.model AS call_model,
      (SELECT max(f.id) FROM failures f WHERE ${sameCall("f")}) AS failure_id,
      (SELECT max(bc.batch_id) FROM batch_calls bc WHERE ${sameCall("bc")}) AS batch_id
    FROM ids i LEFT JOIN calls c ON ${sameCall("c")}
    WHERE c.response_id IS NULL
  ),
  judged AS (
    SELECT o.agent, o.call_id,
      CASE WHEN b.state IN ('submitting', 'pending') THEN 'pending'
        WHEN o.failure_id IS NOT NULL THEN 'failed' ELSE 'unanswered' END AS status,
      CASE WHEN b.state IN ('submitting', 'pending') THEN b.provider WHEN o.failure_id IS NOT NULL THEN f.provider
        ELSE coalesce(o.call_provider, b.provider, f.provider) END AS provider,
      CASE WHEN b.state IN ('submitting', 'pending') THEN b.model WHEN o.failure_id IS NOT NULL THEN f.model
        ELSE coalesce(o.call_model, b.model, f.model) END AS model
    FROM open o LEFT JOIN failures f ON f.id = o.failure_id LEFT JOIN batches b ON b.id = o.batch_id
  )`;

/**
 * Agents by calls: call rows counted on the (agent, hash, occurrence) index, plus the identities
 * without a call row, given as a JSON array of `[agent, calls]` (counted with the open calls).
 */
const agentsQuery = `
  WITH per_agent AS (
    SELECT agent, count(*) AS calls FROM calls GROUP BY agent
    UNION ALL SELECT value ->> 0, value ->> 1 FROM json_each(?)
  ),
  totals AS MATERIALIZED (SELECT agent, sum(calls) AS calls FROM per_agent GROUP BY agent)
  SELECT (SELECT count(*) FROM totals), agent, calls FROM totals ORDER BY calls DESC, agent LIMIT ?`;

/** The latest `last` sessions (every one without `last`), oldest first, with their answers and failures counted. */
export function readSessions(db: Database.Database, last?: number): SessionRow[] {
  const rows = db
    .prepare(
      `SELECT s.id, s.strategy, s.pid, s.started_at, s.ended_at, s.summary,
         (SELECT count(*) FROM responses r WHERE r.session = s.id),
         (SELECT count(*) FROM failures f WHERE f.session = s.id)
       FROM sessions s ORDER BY s.id DESC LIMIT ?`,
    )
    .raw(true)
    .all(last ?? -1) as [number, string, number, number, number | null, string | null, number, number][];
  return rows.reverse().map(([id, strategy, pid, startedAt, endedAt, summary, answers, failures]) => ({
    id,
    strategy,
    pid,
    startedAt,
    endedAt: endedAt ?? undefined,
    summary: summary === null ? undefined : JSON.parse(summary),
    answers,
    failures,
  }));
}

/** What `overview()` needs of the reader besides the database. */
export interface OverviewSources {
  readonly db: Database.Database;
  /** The store file; its lock file names the process running a session now. */
  readonly location: string;
  readonly prices: Readonly<Record<string, ModelPrice>>;
  readonly pendingBatches: () => BatchRow[];
  readonly failures: (limit: number) => FailedCallRow[];
}

/** Reads the overview in one read transaction (one snapshot while a pipeline writes). */
export function readOverview(sources: OverviewSources, options: OverviewOptions = {}): WorkspaceOverview {
  const { db } = sources;
  return db.transaction(() => {
    const sessions = readSessions(db, options.sessions ?? 5);
    const sessionCount = db.prepare("SELECT count(*) FROM sessions").pluck(true).get() as number;
    const latest = sessions.at(-1);
    const holder = lockHolder(`${sources.location}.lock`);
    const running = latest && latest.endedAt === undefined && holder?.pid === latest.pid ? latest.id : undefined;
    const { models, withoutCallRow } = modelCalls(db);
    const calls = { answered: 0, pending: 0, failed: 0, unanswered: 0 };
    for (const line of models) for (const status of statuses) calls[status] += line[status];
    const agentRows = db
      .prepare(agentsQuery)
      .raw(true)
      .all(JSON.stringify([...withoutCallRow]), options.agents ?? 10) as [number, string, number][];
    const usage = toUsageRows(db.prepare(usageQuery(undefined, false).sql).raw(true).all());
    const spentIn = spending(usage, sources.prices);
    return {
      sessions,
      sessionCount,
      running,
      calls,
      models,
      agents: { total: agentRows[0]?.[0] ?? 0, top: agentRows.map(([, agent, count]) => ({ agent, calls: count })) },
      pendingBatches: sources.pendingBatches(),
      failures: sources.failures(options.failures ?? 3),
      spent: {
        allTime: spentIn(() => true),
        lastSession: latest && spentIn((row) => row.session === latest.id),
        pricesTakenOn,
      },
    };
  })();
}

const statuses: readonly CallStatus[] = ["answered", "pending", "failed", "unanswered"];

/**
 * Calls by provider, model and status, most calls first; and by agent the calls without
 * a call row (counted in the same pass over the open calls, for the agents query).
 */
function modelCalls(db: Database.Database): { models: ModelCalls[]; withoutCallRow: Map<string, number> } {
  const answered = db
    .prepare(
      "SELECT provider, model, 'answered', count(*), NULL FROM calls WHERE response_id IS NOT NULL GROUP BY 1, 2",
    )
    .raw(true)
    .all() as [string, string, CallStatus, number, null][];
  const open = db
    .prepare(
      `${openCalls} SELECT provider, model, status, count(*), CASE WHEN call_id IS NULL THEN agent END
       FROM judged GROUP BY 1, 2, 3, 5`,
    )
    .raw(true)
    .all() as [string, string, CallStatus, number, string | null][];
  const withoutCallRow = new Map<string, number>();
  const lines = new Map<string, { -readonly [key in keyof ModelCalls]: ModelCalls[key] }>();
  for (const [provider, model, status, count, agent] of [...answered, ...open]) {
    if (agent !== null) withoutCallRow.set(agent, (withoutCallRow.get(agent) ?? 0) + count);
    const key = JSON.stringify([provider, model]);
    let line = lines.get(key);
    if (!line) {
      line = { provider, model, answered: 0, pending: 0, failed: 0, unanswered: 0 };
      lines.set(key, line);
    }
    line[status] += count;
  }
  const total = (line: ModelCalls) => statuses.reduce((sum, status) => sum + line[status], 0);
  const models = [...lines.values()].sort(
    (a, b) => total(b) - total(a) || a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model),
  );
  return { models, withoutCallRow };
}

/** Tokens and cost of the usage rows `which` keeps. */
function spending(usage: readonly UsageRow[], prices: Readonly<Record<string, ModelPrice>>) {
  return (which: (row: UsageRow) => boolean): SpendFigures => {
    const rows = usage.filter(which);
    return {
      answers: rows.reduce((sum, row) => sum + row.answers, 0),
      inputTokens: rows.reduce((sum, row) => sum + row.inputTokens, 0),
      outputTokens: rows.reduce((sum, row) => sum + row.outputTokens, 0),
      cost: sessionCost(rows, [], prices).session.total,
    };
  };
}
