/**
 * A group commit's answers stored in PostgreSQL with one statement: the
 * documents, the calls and the responses of every answer go in as arrays,
 * `unnest`ed, so a group costs one round trip however many answers it holds
 * (one statement per answer and table cost most of a many-worker run's
 * database time). A statement is atomic on its own: no transaction around it.
 */

import { insertResponses, responseColumns, responseValues } from "../sql/sql-answers.js";
import type { SqlValue } from "../sql/sql-connection.js";
import { answerKey, type ResponseRecord } from "../store.js";
import type { PostgresConnection } from "./postgres-connection.js";

/**
 * Stores `records` and resolves to their call ids, in order. Records that repeat a call, or
 * that keep an existing answer (`mode: "keep"`), are rare: they take the statement-per-row path.
 */
export async function insertAnswers(connection: PostgresConnection, records: readonly ResponseRecord[]) {
  const distinct = new Set(records.map(answerKey)).size === records.length;
  if (!distinct || records.some((record) => record.mode !== "replace")) {
    return connection.transaction((transaction) => insertResponses(transaction, records));
  }
  const rows = (await connection.all(insertStatement, _columns(records))) as [number, number][];
  const callIds = new Array<number>(records.length);
  for (const [callId, index] of rows) callIds[index - 1] = callId;
  return callIds;
}

// The new answer becomes the call's answer (mode "replace"), so each response id is
// drawn from its sequence first and written into the call row as it is upserted.
const insertStatement = `WITH
  new_documents AS (
    INSERT INTO documents (hash, size, content)
    SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[]) ON CONFLICT DO NOTHING),
  answer AS MATERIALIZED (
    SELECT *, nextval((SELECT pg_get_serial_sequence('responses', 'id'))::regclass) AS response_id
    FROM unnest(?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[], ?::text[],
      ?::double precision[], ?::double precision[], ?::text[],
      -- responseColumns
      ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[], ?::integer[], ?::bytea[], ?::bytea[])
      WITH ORDINALITY AS a (agent, hash, occurrence, seq, session, provider, model, sent_at, received_at, canonical,
        ${responseColumns}, i)),
  answered_call AS (
    INSERT INTO calls (agent, hash, occurrence, seq, session, status, provider, model, sent_at, received_at,
      canonical, response_id)
    SELECT agent, hash, occurrence, seq, session, 'done', provider, model, sent_at, received_at,
      -- A batch answer's canonical request was recorded with its batch call.
      coalesce(canonical, (SELECT b.canonical FROM batch_calls b
        WHERE b.agent = a.agent AND b.hash = a.hash AND b.occurrence = a.occurrence LIMIT 1)),
      response_id
    FROM answer a
    ON CONFLICT (agent, hash, occurrence) DO UPDATE SET status = 'done',
      seq = excluded.seq, session = excluded.session, provider = excluded.provider, model = excluded.model,
      sent_at = excluded.sent_at, received_at = excluded.received_at,
      canonical = coalesce(excluded.canonical, calls.canonical), response_id = excluded.response_id
    RETURNING id, agent, hash, occurrence),
  new_response AS (
    INSERT INTO responses (id, call_id, session, created_at, ${responseColumns})
    SELECT a.response_id, c.id, a.session, a.received_at, ${responseColumns}
    FROM answered_call c JOIN answer a USING (agent, hash, occurrence))
SELECT c.id, a.i FROM answered_call c JOIN answer a USING (agent, hash, occurrence)`;

/** Rows of values as columns. */
function transpose(rows: readonly SqlValue[][]): SqlValue[][] {
  return rows[0]!.map((_, column) => rows.map((row) => row[column]!));
}

/** The statement's arrays: the documents (each once), then one element per record and column. */
function _columns(records: readonly ResponseRecord[]) {
  const documents = new Map<string, string>();
  for (const record of records) for (const [hash, content] of record.documents) documents.set(hash, content);
  const column = <T>(value: (record: ResponseRecord) => T) => records.map(value);
  return [
    [...documents.keys()],
    [...documents.values()].map((content) => content.length),
    [...documents.values()],
    column((record) => record.agent),
    column((record) => record.hash),
    column((record) => record.occurrence),
    column((record) => record.seq),
    column((record) => record.session),
    column((record) => record.provider),
    column((record) => record.model),
    column((record) => record.sentAt),
    column((record) => record.receivedAt),
    column((record) => record.canonical ?? null),
    ...transpose(records.map(responseValues)),
  ];
}
