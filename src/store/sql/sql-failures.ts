/** Failures in SQL, and the calls they hold back. */
import type { CallKey, FailedCall, FailureRecord } from "../store.js";
import type { SqlConnection } from "./sql-connection.js";

export async function saveFailure(connection: SqlConnection, record: FailureRecord): Promise<void> {
  await connection.run(
    `INSERT INTO failures (agent, hash, occurrence, seq, session, provider, model, attempt, kind, status_code,
       message, request_id, created_at, via_batch)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
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
    ],
  );
}

export async function failedCalls(connection: SqlConnection): Promise<readonly FailedCall[]> {
  const rows = await connection.all(
    // Batch failures are counted for the model of the latest failure: a fallback model starts a count of its own.
    `WITH latest AS (
       SELECT f.agent, f.hash, f.occurrence, f.session, f.provider, f.model, f.kind, f.status_code, f.message,
         f.request_id,
         (SELECT sum(b.via_batch) FROM failures b
          WHERE b.agent = f.agent AND b.hash = f.hash AND b.occurrence = f.occurrence
            AND b.provider = f.provider AND b.model = f.model AND b.retried_at IS NULL) AS batch_failures
       FROM failures f
       WHERE f.id IN (SELECT max(id) FROM failures WHERE retried_at IS NULL GROUP BY agent, hash, occurrence)
     )
     SELECT l.agent, l.hash, l.occurrence, l.session, l.provider, l.model, l.kind, l.status_code, l.message,
       l.request_id, l.batch_failures
     FROM latest l
     WHERE (l.kind = 'request-rejected' OR l.batch_failures > 0)
       AND NOT EXISTS (SELECT 1 FROM calls c WHERE c.agent = l.agent AND c.hash = l.hash
         AND c.occurrence = l.occurrence AND c.response_id IS NOT NULL)`,
  );
  type Row = [string, string, number, number, string, string, string, number | null, string, string | null, number];
  return (rows as Row[]).map(
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

export async function retryCalls(connection: SqlConnection, keys: readonly CallKey[], at: number): Promise<number> {
  return connection.transaction(async (transaction) => {
    let retried = 0;
    for (const key of keys) {
      const marked = await transaction.run(
        `UPDATE failures SET retried_at = ?
         WHERE agent = ? AND hash = ? AND occurrence = ? AND retried_at IS NULL`,
        [at, key.agent, key.hash, key.occurrence],
      );
      if (marked > 0) retried++;
    }
    return retried;
  });
}
