/**
 * What `pllm status` shows, counted in aggregate queries in one read transaction:
 * answered calls from the partial index of answered calls by model, tokens from
 * the tallies of ended sessions; only the calls without an answer (pending, failed,
 * taken back) are judged one by one, so a workspace of a million answered calls reads fast.
 */
import type Database from "better-sqlite3";
import type { ModelPrice } from "../../providers/model-prices.js";
import { toUsageRows } from "../sql/sql-answers.js";
import {
  answeredByModelSql,
  type ModelCallValues,
  modelLines,
  openByModelSql,
  overviewOf,
  type SessionRowValues,
  sessionRowsSql,
  toSessionRow,
  usageBySessionSql,
} from "../sql/sql-reader-queries.js";
import type {
  BatchRow,
  FailedCallRow,
  ModelCalls,
  OverviewOptions,
  SessionRow,
  WorkspaceOverview,
} from "../workspace-reader.js";
import { lockHolder } from "./workspace-lock.js";

/** The latest `last` sessions (every one without `last`), oldest first, with their answers and failures counted. */
export function readSessions(db: Database.Database, last?: number): SessionRow[] {
  const rows = db
    .prepare(sessionRowsSql)
    .raw(true)
    .all(last ?? -1) as SessionRowValues[];
  return rows.reverse().map(toSessionRow);
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
    const { models, withoutCallRow } = modelCalls(db);
    const sessions = readSessions(db, options.sessions ?? 5);
    const latest = sessions.at(-1);
    const holder = lockHolder(`${sources.location}.lock`);
    return overviewOf({
      sessions,
      sessionCount: db.prepare("SELECT count(*) FROM sessions").pluck(true).get() as number,
      running: latest && latest.endedAt === undefined && holder?.pid === latest.pid ? [latest.id] : [],
      models,
      agents: topAgents(db, withoutCallRow, options.agents ?? 10),
      usage: toUsageRows(db.prepare(usageBySessionSql).raw(true).all()),
      pendingBatches: sources.pendingBatches(),
      failures: sources.failures(options.failures ?? 3),
      prices: sources.prices,
    });
  })();
}

/**
 * Calls by provider, model and status, most calls first; and by agent the calls without
 * a call row (counted in the same pass over the open calls, for the agents query).
 */
function modelCalls(db: Database.Database): { models: ModelCalls[]; withoutCallRow: Map<string, number> } {
  const answered = db.prepare(answeredByModelSql).raw(true).all() as ModelCallValues[];
  const open = db.prepare(openByModelSql).raw(true).all() as ModelCallValues[];
  return modelLines([...answered, ...open]);
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
