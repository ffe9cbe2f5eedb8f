/**
 * The calls of a workspace as rows, in SQL any SQL store runs: every identity
 * that has an answer, a failure or a batch, with where it stands. Pages are
 * keyset pages on the unique (agent, hash, occurrence), so calls added while a
 * reader pages through never shift a page. The few differences of a database
 * (glob, prefix and case-insensitive matches, byte order of text) are its `ReaderDialect`.
 */
import { InputError } from "../../core/errors.js";
import type { CallKey } from "../store.js";
import type { CallFilter, CallRow, CallStatus } from "../workspace-reader.js";
import type { SqlValue } from "./sql-connection.js";

/** What the reader's SQL says differently per database. */
export interface ReaderDialect {
  /** A condition that `column` matches the glob `pattern` (`*`, `?`, `[...]`; case-sensitive), and its value. */
  glob(column: string, pattern: string): readonly [string, SqlValue];
  /** A condition that `column` starts with `prefix`, and its value. */
  startsWith(column: string, prefix: string): readonly [string, SqlValue];
  /** The operator of a case-insensitive (for ASCII) `LIKE`. */
  readonly likeInsensitive: string;
  /** `column` compared and ordered by its UTF-8 bytes (SQLite's order of text). */
  byteOrder(column: string): string;
  /** The value of `LIMIT ?` that sets no limit. */
  readonly noLimit: SqlValue;
}

export const callStatuses: readonly CallStatus[] = ["answered", "pending", "failed", "unanswered"];
const defaultLimit = 100;
const maxLimit = 10_000;

const sameCall = (alias: string) =>
  `${alias}.agent = i.agent AND ${alias}.hash = i.hash AND ${alias}.occurrence = i.occurrence`;

/**
 * Where the identities of calls of a status come from: an answered call has an answer in
 * its call row, a failed one a failure, a pending one a batch, and an unanswered one a call
 * row without an answer or a batch that ended without one. So a page of failed calls reads
 * the failures alone instead of judging every call of the workspace until it has found a
 * page (a million calls hold a few hundred failures). `{branch}` narrows each source table
 * (agent, page start).
 */
const everySource = [
  "SELECT agent, hash, occurrence FROM calls WHERE {branch}",
  "SELECT agent, hash, occurrence FROM failures WHERE {branch}",
  "SELECT agent, hash, occurrence FROM batch_calls WHERE {branch}",
];
const idSources: Readonly<Record<CallStatus | "any", readonly string[]>> = {
  any: everySource,
  unanswered: [
    "SELECT agent, hash, occurrence FROM calls WHERE response_id IS NULL AND {branch}",
    "SELECT agent, hash, occurrence FROM batch_calls WHERE {branch}",
  ],
  answered: ["SELECT agent, hash, occurrence FROM calls WHERE response_id IS NOT NULL AND {branch}"],
  failed: ["SELECT DISTINCT agent, hash, occurrence FROM failures WHERE {branch}"],
  pending: ["SELECT DISTINCT agent, hash, occurrence FROM batch_calls WHERE {branch}"],
};

/** Per identity: the call row and its answer in use, its latest failure and latest batch, and the status they make. */
const rowsQuery = `
  WITH ids AS ({ids}),
  facts AS (
    SELECT i.agent, i.hash, i.occurrence, c.id AS call_id, c.seq, c.provider AS call_provider,
      c.model AS call_model, c.session AS call_session, c.canonical, c.sent_at, c.received_at,
      r.id AS response_id, r.session AS response_session, r.text, r.input_tokens, r.output_tokens,
      length(r.vector) / 4 AS dimensions,
      (SELECT max(f.id) FROM failures f WHERE ${sameCall("f")}) AS failure_id,
      (SELECT count(*) FROM failures f WHERE ${sameCall("f")}) AS failures,
      (SELECT max(bc.batch_id) FROM batch_calls bc WHERE ${sameCall("bc")}) AS batch_id
    FROM ids i
    LEFT JOIN calls c ON ${sameCall("c")}
    LEFT JOIN responses r ON r.id = c.response_id
  ),
  judged AS (
    SELECT facts.*, f.provider AS failure_provider, f.model AS failure_model, f.session AS failure_session,
      b.provider AS batch_provider, b.model AS batch_model, b.session AS batch_session,
      CASE WHEN response_id IS NOT NULL THEN 'answered'
        WHEN b.state IN ('submitting', 'pending') THEN 'pending'
        WHEN failure_id IS NOT NULL THEN 'failed'
        ELSE 'unanswered' END AS status
    FROM facts LEFT JOIN failures f ON f.id = failure_id LEFT JOIN batches b ON b.id = batch_id
  ),
  shown AS (
    SELECT agent, hash, occurrence, call_id, status, seq, text, input_tokens, output_tokens, sent_at, received_at,
      failures, batch_id, canonical, dimensions,
      CASE status WHEN 'answered' THEN call_provider WHEN 'pending' THEN batch_provider
        WHEN 'failed' THEN failure_provider ELSE coalesce(call_provider, batch_provider, failure_provider) END
        AS provider,
      CASE status WHEN 'answered' THEN call_model WHEN 'pending' THEN batch_model
        WHEN 'failed' THEN failure_model ELSE coalesce(call_model, batch_model, failure_model) END AS model,
      CASE status WHEN 'answered' THEN response_session WHEN 'pending' THEN batch_session
        WHEN 'failed' THEN failure_session ELSE coalesce(call_session, batch_session, failure_session) END
        AS session
    FROM judged
  )
  SELECT agent, hash, occurrence, call_id, status, provider, model, session, seq, text, input_tokens,
    output_tokens, sent_at, received_at, failures, batch_id, dimensions
  FROM shown {where} ORDER BY {order} LIMIT ?`;

export type CallRowValues = [
  string,
  string,
  number,
  number | null,
  CallStatus,
  string | null,
  string | null,
  number | null,
  number | null,
  string | null,
  number | null,
  number | null,
  number | null,
  number | null,
  number,
  number | null,
  number | null,
];

/**
 * The statement of the call rows that match `filter`, after the identity `from` (or exactly
 * it), at most `limit`; one text per combination of filters, so a driver prepares it once.
 */
export function callRowsStatement(
  dialect: ReaderDialect,
  filter: CallFilter,
  from: CallKey | undefined,
  limit: number,
  exactly = false,
): { readonly sql: string; readonly values: SqlValue[] } {
  checkFilter(filter);
  const branch: string[] = [];
  const where: string[] = [];
  const branchValues: SqlValue[] = [];
  const whereValues: SqlValue[] = [];
  if (filter.agent !== undefined) {
    if (/[*?[]/.test(filter.agent)) {
      const [condition, value] = dialect.glob("agent", filter.agent);
      branch.push(condition);
      branchValues.push(value);
    } else {
      branch.push("agent = ?");
      branchValues.push(filter.agent);
    }
  }
  if (filter.hash !== undefined) {
    const [condition, value] = dialect.startsWith("hash", filter.hash);
    branch.push(condition);
    branchValues.push(value);
  }
  if (from !== undefined) {
    const key = `(${dialect.byteOrder("agent")}, ${dialect.byteOrder("hash")}, occurrence)`;
    branch.push(exactly ? "agent = ? AND hash = ? AND occurrence = ?" : `${key} > (?, ?, ?)`);
    branchValues.push(from.agent, from.hash, from.occurrence);
  }
  for (const column of ["status", "provider", "model", "session"] as const) {
    if (filter[column] === undefined) continue;
    where.push(`${column} = ?`);
    whereValues.push(filter[column]);
  }
  if (filter.search !== undefined) {
    const like = dialect.likeInsensitive;
    where.push(`(canonical ${like} ? ESCAPE '\\' OR text ${like} ? ESCAPE '\\')`);
    const pattern = `%${filter.search.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    whereValues.push(pattern, pattern);
  }
  const sources = idSources[filter.status ?? "any"];
  const sql = rowsQuery
    .replace("{ids}", sources.join(" UNION "))
    .replaceAll("{branch}", branch.length > 0 ? branch.join(" AND ") : "1 = 1")
    .replace("{where}", where.length > 0 ? `WHERE ${where.join(" AND ")}` : "")
    .replace("{order}", `${dialect.byteOrder("agent")}, ${dialect.byteOrder("hash")}, occurrence`);
  return { sql, values: [...sources.flatMap(() => branchValues), ...whereValues, limit] };
}

/** A row of `callRowsStatement` as the reader gives it. */
export function toCallRow(row: CallRowValues): CallRow {
  const [agent, hash, occurrence, id, status, provider, model, session, seq, text, input, output, sent, received] = row;
  return {
    agent,
    hash,
    occurrence,
    id: id ?? undefined,
    status,
    provider: provider ?? undefined,
    model: model ?? undefined,
    session: session ?? undefined,
    seq: seq ?? undefined,
    // An answer taken back leaves the call row; its text is not the call's answer any more.
    text: status === "answered" ? (text ?? undefined) : undefined,
    inputTokens: status === "answered" ? (input ?? undefined) : undefined,
    outputTokens: status === "answered" ? (output ?? undefined) : undefined,
    sentAt: sent ?? undefined,
    receivedAt: received ?? undefined,
    failures: row[14],
    batch: row[15] ?? undefined,
    dimensions: status === "answered" ? (row[16] ?? undefined) : undefined,
  };
}

/** The page size `calls({ limit })` asks for, checked. */
export function checkLimit(limit: unknown): number {
  if (limit === undefined) return defaultLimit;
  if (!Number.isInteger(limit) || (limit as number) < 1 || (limit as number) > maxLimit) {
    throw new InputError(`calls({ limit }) takes a whole number from 1 to ${maxLimit}, got ${String(limit)}.`);
  }
  return limit as number;
}

function checkFilter(filter: CallFilter): void {
  if (filter.status !== undefined && !callStatuses.includes(filter.status)) {
    throw new InputError(
      `calls({ status }) takes one of ${callStatuses.map((status) => `"${status}"`).join(", ")}, got ${JSON.stringify(filter.status)}.`,
    );
  }
  if (filter.hash !== undefined && !(typeof filter.hash === "string" && /^[\w-]+$/.test(filter.hash))) {
    throw new InputError(
      `calls({ hash }) takes a request hash or its first characters (letters, digits, - and _), got ${JSON.stringify(filter.hash)}.`,
    );
  }
  for (const name of ["agent", "provider", "model", "search"] as const) {
    const value = filter[name];
    if (value !== undefined && (typeof value !== "string" || value === "")) {
      throw new InputError(`calls({ ${name} }) takes a non-empty string, got ${JSON.stringify(value)}.`);
    }
  }
  if (filter.session !== undefined && !(Number.isInteger(filter.session) && filter.session > 0)) {
    throw new InputError(`calls({ session }) takes a session number (1, 2, ...), got ${String(filter.session)}.`);
  }
}

/** The `next` of a page that ends at `key`. */
export function encodeCursor(key: CallKey): string {
  return Buffer.from(JSON.stringify([key.agent, key.hash, key.occurrence])).toString("base64url");
}

/** The identity a page's `next` names; refused when it is not one. */
export function decodeCursor(cursor: string): CallKey {
  try {
    const [agent, hash, occurrence] = JSON.parse(Buffer.from(cursor, "base64url").toString()) as unknown[];
    if (typeof agent === "string" && typeof hash === "string" && Number.isInteger(occurrence)) {
      return { agent, hash, occurrence: occurrence as number };
    }
  } catch {
    // Reported below, with what to pass instead.
  }
  throw new InputError(
    `calls({ after }) takes the \`next\` of a page calls() returned, got ${JSON.stringify(cursor)}.`,
  );
}
