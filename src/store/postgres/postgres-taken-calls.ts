/** Which of some calls another worker answered or put in a batch (see `Store.takenCalls`). */

import { answerKey, type CallKey } from "../store.js";
import { keyArrays, type PostgresConnection, unnestKeys } from "./postgres-connection.js";

export async function takenCalls(
  connection: PostgresConnection,
  keys: readonly CallKey[],
): Promise<ReadonlySet<string>> {
  if (keys.length === 0) return new Set();
  const rows = await connection.all(
    `SELECT k.agent, k.hash, k.occurrence FROM ${unnestKeys} AS k (agent, hash, occurrence)
     WHERE EXISTS (SELECT 1 FROM calls c WHERE c.agent = k.agent AND c.hash = k.hash AND c.occurrence = k.occurrence
                     AND c.response_id IS NOT NULL)
       OR EXISTS (SELECT 1 FROM batch_calls bc JOIN batches b ON b.id = bc.batch_id
                  WHERE bc.agent = k.agent AND bc.hash = k.hash AND bc.occurrence = k.occurrence
                    AND b.state IN ('submitting', 'pending'))`,
    keyArrays(keys),
  );
  return new Set(
    (rows as [string, string, number][]).map(([agent, hash, occurrence]) => answerKey({ agent, hash, occurrence })),
  );
}
