/**
 * What `pllm status` shows, counted in aggregate queries in one read transaction:
 * answered calls from the partial index of answered calls by model, tokens from
 * the tallies of ended sessions; only the calls without an answer (pending, failed,
 * taken back) are judged one by one, so a workspace of a million answered calls reads fast.
 */
import type Database from "better-sqlite3";
import { sessionCost } from "../../dashboard/cost-report.js";
import { type ModelPrice, pricesTakenOn } from "../../providers/model-prices.js";
import { toUsageRows } from "../sql/sql-answers.js";
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
 * Tokens by model and session, as `usageQuery` reads them: of sessions that are over from
 * the tallies written when they ended, of sessions still open (or cut off) from their answers.
 */
const usageBySession = `
  SELECT model, NULL, session, via_batch, answers, input_tokens, output_tokens, cached_tokens FROM session_usage
  UNION ALL
  SELECT c.model, NULL, r.session, r.via_batch, count(*),
    coalesce(sum(r.input_tokens), 0), coalesce(sum(r.output_tokens), 0), coalesce(sum(r.cached_tokens), 0)
  FROM responses r JOIN calls c ON c.id = r.call_id
  WHERE r.session IN (SELECT id FROM sessions WHERE ended_at IS NULL)
  GROUP BY c.model, r.session, r.via_batch`;

/** The latest `last` sessions (every one without `last`), oldest first, with their answers and failures counted. */
export function readSessions(db: Database.Database, last?: number): SessionRow[] {
  const rows = db
    .prepare(
      `SELECT s.id, s.strategy, s.pid, s.started_at, s.ended_at, s.summary,
         CASE WHEN s.ended_at IS NULL THEN (SELECT count(*) FROM responses r WHERE r.session = s.id)
           ELSE (SELECT coalesce(sum(u.answers), 0) FROM session_usage u WHERE u.session = s.id) END,
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
    const agents = topAgents(db, withoutCallRow, options.agents ?? 10);
    const usage = toUsageRows(db.prepare(usageBySession).raw(true).all());
    const spentIn = spending(usage, sources.prices);
    return {
      sessions,
      sessionCount,
      running,
      calls,
      models,
      agents,
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

type AgentCalls = WorkspaceOverview["agents"]["top"][number];
interface Ranking {
  total: number;
  readonly top: AgentCalls[];
}

/**
 * How many agents there are, and the `limit` with most calls (ties by name, as SQLite orders
 * text). The call rows are grouped in SQL and ranked by the `pllm_top_agents` aggregate, so the
 * 250,000 groups of a large workspace never cross into JS as rows (as rows, or ranked in SQL,
 * they took twice as long). The identities without a call row are added to their agents after:
 * counts only grow, so an agent outside the top of the call rows that gains none stays outside.
 */
function topAgents(db: Database.Database, withoutCallRow: ReadonlyMap<string, number>, limit: number): Ranking {
  if (!rankingConnections.has(db)) {
    const step = (ranking: Ranking, agent: string, calls: number, limit: number) => {
      ranking.total++;
      rankInto(ranking.top, { agent, calls }, limit);
    };
    db.aggregate<Ranking>("pllm_top_agents", {
      start: () => ({ total: 0, top: [] }),
      // better-sqlite3 passes every argument; its types declare one.
      step: step as unknown as (ranking: Ranking) => void,
      result: (ranking) => JSON.stringify(ranking),
    });
    rankingConnections.add(db);
  }
  const ranking = JSON.parse(
    db
      .prepare(
        "SELECT pllm_top_agents(agent, calls, ?) FROM (SELECT agent, count(*) AS calls FROM calls GROUP BY agent)",
      )
      .pluck(true)
      .get(limit) as string,
  ) as Ranking;
  if (withoutCallRow.size === 0) return ranking;
  const withCallRows = new Map(
    db
      .prepare("SELECT agent, count(*) FROM calls WHERE agent IN (SELECT value FROM json_each(?)) GROUP BY agent")
      .raw(true)
      .all(JSON.stringify([...withoutCallRow.keys()])) as [string, number][],
  );
  const top = ranking.top.filter((line) => !withoutCallRow.has(line.agent));
  for (const [agent, calls] of withoutCallRow)
    rankInto(top, { agent, calls: calls + (withCallRows.get(agent) ?? 0) }, limit);
  const agentsWithoutCallRows = [...withoutCallRow.keys()].filter((agent) => !withCallRows.has(agent)).length;
  return { total: ranking.total + agentsWithoutCallRows, top };
}

const rankingConnections = new WeakSet<Database.Database>();

/** Puts `line` into `top` (most calls first, at most `limit` lines) if it ranks there. */
function rankInto(top: AgentCalls[], line: AgentCalls, limit: number): void {
  let at = top.length;
  while (at > 0 && ranksBefore(line, top[at - 1]!)) at--;
  if (at >= limit) return;
  top.splice(at, 0, line);
  if (top.length > limit) top.pop();
}

function ranksBefore(a: AgentCalls, b: AgentCalls): boolean {
  return a.calls !== b.calls ? a.calls > b.calls : compareAsSqlite(a.agent, b.agent) < 0;
}

/**
 * SQLite's BINARY order (UTF-8 bytes). JS compares UTF-16 code units, which agrees except
 * between surrogate pairs and U+E000..U+FFFF, so only strings holding those compare as bytes.
 */
function compareAsSqlite(a: string, b: string): number {
  if (a === b) return 0;
  if (/[\ud800-\uffff]/.test(a) || /[\ud800-\uffff]/.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : 1;
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
