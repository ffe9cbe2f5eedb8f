/**
 * The SQL of the read-only view that SQLite and PostgreSQL run alike (sessions,
 * batches, failed calls, open calls and tokens by session), with the mapping
 * of its rows; each reader runs it through its own driver.
 */

import { sessionCost } from "../../dashboard/cost-report.js";
import { type ModelPrice, pricesTakenOn } from "../../providers/model-prices.js";
import type { StoredBatchState, UsageRow } from "../store.js";
import type {
  BatchRow,
  CallStatus,
  FailedCallRow,
  ModelCalls,
  SessionRow,
  SpendFigures,
  WorkspaceOverview,
} from "../workspace-reader.js";
import { usageSql } from "./sql-answers.js";

const sameCall = (alias: string, other = "i") =>
  `${alias}.agent = ${other}.agent AND ${alias}.hash = ${other}.hash AND ${alias}.occurrence = ${other}.occurrence`;

/** Batches with their calls counted by where they stand; `ids` (how many ids are bound) narrows them. */
export function batchRowsSql(ids: number | undefined): string {
  return `SELECT b.id, b.tag, b.provider, b.model, b.provider_batch_id, b.state, b.session, b.created_at,
           b.updated_at, b.message, b.bytes, count(bc.custom_id),
           count(c.response_id),
           count(CASE WHEN c.response_id IS NULL AND EXISTS (SELECT 1 FROM failures f
             WHERE f.agent = bc.agent AND f.hash = bc.hash AND f.occurrence = bc.occurrence
               AND f.created_at >= b.created_at) THEN 1 END)
         FROM batches b
         LEFT JOIN batch_calls bc ON bc.batch_id = b.id
         LEFT JOIN calls c ON c.agent = bc.agent AND c.hash = bc.hash AND c.occurrence = bc.occurrence
         ${ids === undefined ? "" : `WHERE b.id IN (${Array.from({ length: ids }, () => "?").join(", ")})`}
         GROUP BY b.id ORDER BY b.id`;
}

export type BatchRowValues = [
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
];

export function toBatchRow([
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
]: BatchRowValues): BatchRow {
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
}

/** The first `?` failed calls: calls without an answer, not waiting in a batch, whose latest attempt failed. */
export const failureRowsSql = `WITH latest AS (
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
         ORDER BY f.id LIMIT ?`;

export type FailedCallValues = [
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
];

export function toFailedCallRow([
  agent,
  hash,
  occurrence,
  session,
  provider,
  model,
  kind,
  statusCode,
  message,
  requestId,
  at,
  ...counts
]: FailedCallValues): FailedCallRow {
  return {
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
  };
}

/**
 * Every call without an answer in use, with where it stands (as `calls()` judges it) and
 * whether it has a call row. Identities only in `failures` or `batch_calls` have none.
 */
export const openCallsSql = `
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
export const usageBySessionSql = `
  SELECT model, NULL, session, via_batch, answers, input_tokens, output_tokens, cached_tokens, uncounted
  FROM session_usage
  UNION ALL
  ${usageSql("r.session IN (SELECT id FROM sessions WHERE ended_at IS NULL)")}`;

/** The latest `?` sessions, newest first, with their answers and failures counted. */
export const sessionRowsSql = `SELECT s.id, s.strategy, s.pid, s.started_at, s.ended_at, s.summary,
         CASE WHEN s.ended_at IS NULL THEN (SELECT count(*) FROM responses r WHERE r.session = s.id)
           ELSE (SELECT coalesce(sum(u.answers), 0) FROM session_usage u WHERE u.session = s.id) END,
         (SELECT count(*) FROM failures f WHERE f.session = s.id)
       FROM sessions s ORDER BY s.id DESC LIMIT ?`;

export type SessionRowValues = [number, string, number, number, number | null, string | null, number, number];

export function toSessionRow([
  id,
  strategy,
  pid,
  startedAt,
  endedAt,
  summary,
  answers,
  failures,
]: SessionRowValues): SessionRow {
  return {
    id,
    strategy,
    pid,
    startedAt,
    endedAt: endedAt ?? undefined,
    summary: summary === null ? undefined : JSON.parse(summary),
    answers,
    failures,
  };
}

/** Answered calls by provider and model, from the partial index of answered calls. */
export const answeredByModelSql =
  "SELECT provider, model, 'answered', count(*), NULL FROM calls WHERE response_id IS NOT NULL GROUP BY 1, 2";

/** Calls without an answer by provider, model and status; and the agent of those without a call row. */
export const openByModelSql = `${openCallsSql} SELECT provider, model, status, count(*), CASE WHEN call_id IS NULL THEN agent END
  FROM judged GROUP BY 1, 2, 3, 5`;

/** A row of `answeredByModelSql` or `openByModelSql`. */
export type ModelCallValues = [string, string, CallStatus, number, string | null];

const statuses: readonly CallStatus[] = ["answered", "pending", "failed", "unanswered"];

/**
 * Calls by provider, model and status, most calls first; and by agent the calls without
 * a call row (counted in the same pass over the open calls).
 */
export function modelLines(rows: readonly ModelCallValues[]): {
  models: ModelCalls[];
  withoutCallRow: Map<string, number>;
} {
  const withoutCallRow = new Map<string, number>();
  const lines = new Map<string, { -readonly [key in keyof ModelCalls]: ModelCalls[key] }>();
  for (const [provider, model, status, count, agent] of rows) {
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
export function spending(usage: readonly UsageRow[], prices: Readonly<Record<string, ModelPrice>>) {
  return (which: (row: UsageRow) => boolean): SpendFigures => {
    const rows = usage.filter(which);
    return {
      answers: rows.reduce((sum, row) => sum + row.answers, 0),
      inputTokens: rows.reduce((sum, row) => sum + row.inputTokens, 0),
      outputTokens: rows.reduce((sum, row) => sum + row.outputTokens, 0),
      uncounted: rows.reduce((sum, row) => sum + row.uncounted, 0),
      cost: sessionCost(rows, [], prices).session.total,
    };
  };
}

/** The overview from its parts, read in one snapshot: calls summed over the model lines, spend from the usage rows. */
export function overviewOf(
  parts: Omit<WorkspaceOverview, "calls" | "spent"> & {
    readonly usage: readonly UsageRow[];
    readonly prices: Readonly<Record<string, ModelPrice>>;
  },
): WorkspaceOverview {
  const { usage, prices, ...overview } = parts;
  const calls = { answered: 0, pending: 0, failed: 0, unanswered: 0 };
  for (const line of overview.models) for (const status of statuses) calls[status] += line[status];
  const spentIn = spending(usage, prices);
  const latest = overview.sessions.at(-1);
  return {
    ...overview,
    calls,
    spent: {
      allTime: spentIn(() => true),
      lastSession: latest && spentIn((row) => row.session === latest.id),
      byModel: sessionCost(usage, [], prices).session.byModel,
      pricesTakenOn,
    },
  };
}
