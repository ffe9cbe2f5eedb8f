/** Provider batches in SQL: intents, their states and calls. */
import { answerKey, type BatchCall, type BatchIntent, type BatchRecord, type StoredBatchState } from "../store.js";
import { insertDocuments } from "./sql-answers.js";
import type { SqlConnection } from "./sql-connection.js";

export async function recordBatchIntent(connection: SqlConnection, intent: BatchIntent): Promise<number> {
  return connection.transaction(async (transaction) => {
    const [id] = (await transaction.get(
      `INSERT INTO batches (tag, provider, model, state, session, request_count, bytes, created_at, updated_at)
       VALUES (?, ?, ?, 'submitting', ?, ?, ?, ?, ?) RETURNING id`,
      [
        intent.tag,
        intent.provider,
        intent.model,
        intent.session,
        intent.requestCount,
        intent.bytes,
        intent.createdAt,
        intent.createdAt,
      ],
    )) as [number];
    for (const call of intent.calls) {
      await transaction.run(
        `INSERT INTO batch_calls (batch_id, custom_id, agent, hash, occurrence, seq, canonical)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [id, call.customId, call.agent, call.hash, call.occurrence, call.seq, call.canonical],
      );
      await insertDocuments(transaction, call.documents);
    }
    return id;
  });
}

export async function updateBatch(
  connection: SqlConnection,
  id: number,
  change: { readonly state: StoredBatchState; readonly providerBatchId?: string; readonly message?: string },
): Promise<void> {
  await connection.run(
    `UPDATE batches SET state = ?, provider_batch_id = coalesce(?, provider_batch_id),
       message = coalesce(?, message), updated_at = ? WHERE id = ?`,
    [change.state, change.providerBatchId ?? null, change.message ?? null, Date.now(), id],
  );
}

export async function rejectBatchMatch(
  connection: SqlConnection,
  id: number,
  providerBatchId: string,
  message: string,
): Promise<void> {
  await connection.transaction(async (transaction) => {
    // Read and written in the store's code, not with a database's JSON functions, which differ.
    const row = await transaction.get("SELECT rejected_ids FROM batches WHERE id = ?", [id]);
    const rejectedIds = [...parseIds(row?.[0]), providerBatchId];
    await transaction.run(
      `UPDATE batches SET state = 'submitting', provider_batch_id = NULL, message = ?, updated_at = ?,
         rejected_ids = ? WHERE id = ?`,
      [message, Date.now(), JSON.stringify(rejectedIds), id],
    );
  });
}

export async function knownBatchIds(connection: SqlConnection, provider: string): Promise<ReadonlySet<string>> {
  const rows = await connection.all(
    "SELECT provider_batch_id FROM batches WHERE provider = ? AND provider_batch_id IS NOT NULL",
    [provider],
  );
  return new Set(rows.map((row) => row[0] as string));
}

export async function openBatches(connection: SqlConnection): Promise<readonly BatchRecord[]> {
  const rows = await connection.all(
    `SELECT id, tag, provider, model, provider_batch_id, state, session, request_count, bytes, created_at, message,
       rejected_ids
     FROM batches WHERE state IN ('submitting', 'pending') ORDER BY id`,
  );
  type Row = [number, string, string, string, string | null, string, number, number, number, number, string | null];
  return (rows as [...Row, unknown][]).map(
    ([id, tag, provider, model, providerBatchId, state, session, requestCount, bytes, createdAt, message, ids]) => ({
      id,
      tag,
      provider,
      model,
      providerBatchId: providerBatchId ?? undefined,
      state: state as StoredBatchState,
      session,
      requestCount,
      bytes,
      createdAt,
      message: message ?? undefined,
      rejectedIds: parseIds(ids),
    }),
  );
}

export async function batchCalls(connection: SqlConnection, batchId: number): Promise<ReadonlyMap<string, BatchCall>> {
  // A call is in one batch at a time: an outcome received through a batch since this one was
  // created is this batch's, stored by an ingest that was cut off. Strictly after: the previous
  // batch's outcome is stored at the open of the run that creates this one, often in the same ms.
  const rows = await connection.all(
    `SELECT bc.custom_id, bc.agent, bc.hash, bc.occurrence, bc.seq,
       CASE WHEN EXISTS (SELECT 1 FROM calls c JOIN responses r ON r.call_id = c.id
               WHERE c.agent = bc.agent AND c.hash = bc.hash AND c.occurrence = bc.occurrence
                 AND r.via_batch = 1 AND r.created_at > b.created_at)
         OR EXISTS (SELECT 1 FROM failures f
               WHERE f.agent = bc.agent AND f.hash = bc.hash AND f.occurrence = bc.occurrence
                 AND f.via_batch = 1 AND f.created_at > b.created_at)
       THEN 1 ELSE 0 END
     FROM batch_calls bc JOIN batches b ON b.id = bc.batch_id WHERE bc.batch_id = ?`,
    [batchId],
  );
  return new Map(
    (rows as [string, string, string, number, number, 0 | 1][]).map(
      ([customId, agent, hash, occurrence, seq, ingested]) => [
        customId,
        { customId, agent, hash, occurrence, seq, ingested: ingested === 1 },
      ],
    ),
  );
}

export async function pendingCalls(connection: SqlConnection): Promise<ReadonlySet<string>> {
  const rows = await connection.all(
    `SELECT bc.agent, bc.hash, bc.occurrence FROM batch_calls bc JOIN batches b ON b.id = bc.batch_id
     WHERE b.state IN ('submitting', 'pending')`,
  );
  return new Set(
    (rows as [string, string, number][]).map(([agent, hash, occurrence]) => answerKey({ agent, hash, occurrence })),
  );
}

function parseIds(json: unknown): string[] {
  return json === null || json === undefined ? [] : (JSON.parse(json as string) as string[]);
}
