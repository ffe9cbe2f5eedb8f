/**
 * Claims of calls being sent, for workers that share one PostgreSQL store: a
 * claim is taken in one atomic statement (an upsert that replaces only an
 * expired claim or the holder's own), leases run by the database's clock, and
 * a call answered by the time its claim is taken is not claimed.
 */
import { answerKey, type CallKey, type ClaimOutcome } from "../store.js";
import { keyArrays, type PostgresConnection, unnestKeys } from "./postgres-connection.js";

/** Milliseconds since the epoch by the database's clock: workers on other machines agree on it. */
const now = "(extract(epoch FROM clock_timestamp()) * 1000)";
/**
 * Every statement locks claim rows in this one order, so two workers claiming,
 * renewing or releasing overlapping calls at once wait for each other, never deadlock.
 */
const lockOrder = `agent COLLATE "C", hash COLLATE "C", occurrence`;

/** See `Store.renewClaims`. */
export async function renewClaims(connection: PostgresConnection, holder: number, leaseMs: number): Promise<void> {
  await connection.run(`UPDATE claims SET expires_at = ${now} + ?::double precision WHERE holder = ?`, [
    leaseMs,
    holder,
  ]);
}

/** See `Store.releaseClaims`: the holder's claims of `keys`, locked in `lockOrder`, deleted. */
export async function releaseClaims(connection: PostgresConnection, keys: readonly CallKey[], holder: number) {
  await _retryDeadlock(() =>
    connection.run(
      `DELETE FROM claims WHERE (agent, hash, occurrence) IN (
         SELECT agent, hash, occurrence FROM claims
         WHERE holder = ? AND (agent, hash, occurrence) IN (SELECT * FROM ${unnestKeys})
         ORDER BY ${lockOrder} FOR UPDATE)`,
      [holder, ...keyArrays(keys)],
    ),
  );
}

/** See `Store.claimCalls`; `keys` are distinct. */
export async function claimCalls(
  connection: PostgresConnection,
  keys: readonly CallKey[],
  holder: number,
  leaseMs: number,
  most = keys.length,
): Promise<ClaimOutcome[]> {
  // Calls answered, or held by another live claim, are told apart by reading alone: a worker
  // polling the thousands of calls others hold takes no lock, and holds up none of their releases.
  const rows = await _retryDeadlock(() =>
    connection.all(
      `WITH wanted AS MATERIALIZED (
         SELECT w.agent, w.hash, w.occurrence, w.position, c.response_id IS NOT NULL AS answered,
           cl.holder IS NULL OR cl.holder = ?::bigint OR cl.expires_at <= ${now} AS free
         FROM ${unnestKeys} WITH ORDINALITY AS w (agent, hash, occurrence, position)
         LEFT JOIN calls c USING (agent, hash, occurrence)
         LEFT JOIN claims cl USING (agent, hash, occurrence)),
       chosen AS MATERIALIZED (
         SELECT agent, hash, occurrence, position FROM wanted WHERE free AND NOT answered ORDER BY position LIMIT ?),
       taken AS (
         INSERT INTO claims (agent, hash, occurrence, holder, expires_at)
         SELECT agent, hash, occurrence, ?::bigint, ${now} + ?::double precision
         FROM chosen ORDER BY ${lockOrder}
         ON CONFLICT (agent, hash, occurrence) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
           WHERE claims.holder = excluded.holder OR claims.expires_at <= ${now}
         RETURNING agent, hash, occurrence)
       SELECT agent, hash, occurrence, 'taken' FROM taken
       UNION ALL SELECT agent, hash, occurrence, 'answered' FROM wanted WHERE answered
       UNION ALL SELECT agent, hash, occurrence, 'free' FROM wanted
         WHERE free AND NOT answered AND position > (SELECT coalesce(max(position), 0) FROM chosen)`,
      [holder, ...keyArrays(keys), most, holder, leaseMs],
    ),
  );
  const outcome = new Map<string, ClaimOutcome>(rows.map((row) => [_rowKey(row), row[3] as ClaimOutcome]));
  const takenKeys = rows.filter((row) => row[3] === "taken").map(_rowCallKey);
  if (takenKeys.length > 0) {
    // A statement of its own, so it sees every answer committed before the claim was taken
    // (a worker stores its answer before it lets go of the claim).
    const answered = (
      await connection.all(
        `SELECT agent, hash, occurrence FROM calls
         JOIN ${unnestKeys} AS wanted (agent, hash, occurrence)
           USING (agent, hash, occurrence)
         WHERE response_id IS NOT NULL`,
        keyArrays(takenKeys),
      )
    ).map(_rowCallKey);
    if (answered.length > 0) {
      await releaseClaims(connection, answered, holder);
      for (const key of answered) outcome.set(answerKey(key), "answered");
    }
  }
  return keys.map((key) => outcome.get(answerKey(key)) ?? "held");
}

/**
 * A deadlock PostgreSQL broke by aborting this statement (a lock order it could not
 * keep, e.g. a unique index's): it changed nothing, so it runs again.
 */
async function _retryDeadlock<T>(statement: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await statement();
    } catch (error) {
      const code = ((error as Error).cause as { code?: string } | undefined)?.code;
      if (code !== "40P01" || attempt === 5) throw error;
    }
  }
}

function _rowCallKey(row: readonly unknown[]): CallKey {
  return { agent: row[0] as string, hash: row[1] as string, occurrence: row[2] as number };
}

function _rowKey(row: readonly unknown[]): string {
  return answerKey(_rowCallKey(row));
}
