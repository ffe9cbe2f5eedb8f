/** Which of some calls another worker answered or put in a batch (see `Store.takenCalls`). */

import type { SqlConnection } from "../sql/sql-connection.js";
import { answerKey, type CallKey } from "../store.js";
import { escapeText } from "./postgres-connection.js";

export async function takenCalls(connection: SqlConnection, keys: readonly CallKey[]): Promise<ReadonlySet<string>> {
  if (keys.length === 0) return new Set();
  // The keys go as one JSON parameter; their strings escaped as every stored string is (U+0000).
  const json = JSON.stringify(
    keys.map((key) => ({ agent: escapeText(key.agent), hash: escapeText(key.hash), occurrence: key.occurrence })),
  );
  const rows = await connection.all(
    `SELECT k.agent, k.hash, k.occurrence FROM json_to_recordset(?::json) AS k (agent TEXT, hash TEXT, occurrence BIGINT)
     WHERE EXISTS (SELECT 1 FROM calls c WHERE c.agent = k.agent AND c.hash = k.hash AND c.occurrence = k.occurrence
                     AND c.response_id IS NOT NULL)
       OR EXISTS (SELECT 1 FROM batch_calls bc JOIN batches b ON b.id = bc.batch_id
                  WHERE bc.agent = k.agent AND bc.hash = k.hash AND bc.occurrence = k.occurrence
                    AND b.state IN ('submitting', 'pending'))`,
    [json],
  );
  return new Set(
    (rows as [string, string, number][]).map(([agent, hash, occurrence]) => answerKey({ agent, hash, occurrence })),
  );
}
