/**
 * Claims of calls being sent, for workers that share one PostgreSQL store: a
 * claim is taken in one atomic statement (an upsert that replaces only an
 * expired claim or the holder's own), leases run by the database's clock, and
 * a call answered by the time its claim is taken is not claimed.
 */
import type { SqlConnection, SqlValue } from "../sql/sql-connection.js";
import { answerKey, type CallKey, type ClaimOutcome } from "../store.js";

/** Milliseconds since the epoch by the database's clock: workers on other machines agree on it. */
const now = "(extract(epoch FROM clock_timestamp()) * 1000)";
/** Keys per statement (three parameters each, far below PostgreSQL's 65,535). */
const chunkSize = 500;
/**
 * Every statement locks claim rows in this one order, so two workers claiming,
 * renewing or releasing overlapping calls at once wait for each other, never deadlock.
 */
const lockOrder = `agent COLLATE "C", hash COLLATE "C", occurrence`;
/** The holder's claims among `(VALUES …)`, locked in `lockOrder`. */
const ownRows = (values: string) =>
  `(agent, hash, occurrence) IN (SELECT agent, hash, occurrence FROM claims
     WHERE holder = ? AND (agent, hash, occurrence) IN (VALUES ${values}) ORDER BY ${lockOrder} FOR UPDATE)`;

/** See `Store.claimCalls`; `keys` are distinct. */
export async function claimCalls(
  connection: SqlConnection,
  keys: readonly CallKey[],
  holder: number,
  leaseMs: number,
): Promise<ClaimOutcome[]> {
  const outcomes: ClaimOutcome[] = [];
  for (let start = 0; start < keys.length; start += chunkSize) {
    outcomes.push(...(await _claimChunk(connection, keys.slice(start, start + chunkSize), holder, leaseMs)));
  }
  return outcomes;
}

/** See `Store.renewClaims`. */
export async function renewClaims(connection: SqlConnection, holder: number, leaseMs: number): Promise<void> {
  await connection.run(`UPDATE claims SET expires_at = ${now} + ?::double precision WHERE holder = ?`, [
    leaseMs,
    holder,
  ]);
}

/** See `Store.releaseClaims`. */
export async function releaseClaims(connection: SqlConnection, keys: readonly CallKey[], holder: number) {
  for (let start = 0; start < keys.length; start += chunkSize) {
    const chunk = keys.slice(start, start + chunkSize);
    await _retryDeadlock(() =>
      connection.run(`DELETE FROM claims WHERE ${ownRows(_rows(chunk.length))}`, [holder, ..._keyValues(chunk)]),
    );
  }
}

// --- internal ---

async function _claimChunk(
  connection: SqlConnection,
  keys: readonly CallKey[],
  holder: number,
  leaseMs: number,
): Promise<ClaimOutcome[]> {
  const values = _keyValues(keys);
  const taken = await _retryDeadlock(() =>
    connection.all(
      `INSERT INTO claims (agent, hash, occurrence, holder, expires_at)
     SELECT agent, hash, occurrence, ?::bigint, ${now} + ?::double precision
     FROM (VALUES ${_rows(keys.length)}) AS wanted (agent, hash, occurrence) ORDER BY ${lockOrder}
     ON CONFLICT (agent, hash, occurrence) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE claims.holder = excluded.holder OR claims.expires_at <= ${now}
     RETURNING agent, hash, occurrence`,
      [holder, leaseMs, ...values],
    ),
  );
  const outcome = new Map<string, ClaimOutcome>(taken.map((row) => [_rowKey(row), "taken"]));
  if (taken.length > 0) {
    // A statement of its own, so it sees every answer committed before the claim was taken
    // (a worker stores its answer before it lets go of the claim).
    const takenKeys = taken.map((row) => ({ agent: row[0], hash: row[1], occurrence: row[2] }) as CallKey);
    const answered = await connection.all(
      `SELECT agent, hash, occurrence FROM calls
       JOIN (VALUES ${_rows(takenKeys.length)}) AS wanted (agent, hash, occurrence) USING (agent, hash, occurrence)
       WHERE response_id IS NOT NULL`,
      _keyValues(takenKeys),
    );
    if (answered.length > 0) {
      const answeredKeys = answered.map((row) => ({ agent: row[0], hash: row[1], occurrence: row[2] }) as CallKey);
      await releaseClaims(connection, answeredKeys, holder);
      for (const key of answeredKeys) outcome.set(answerKey(key), "answered");
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

function _rows(count: number): string {
  return Array.from({ length: count }, () => "(?::text, ?::text, ?::bigint)").join(", ");
}

function _keyValues(keys: readonly CallKey[]): SqlValue[] {
  return keys.flatMap((key) => [key.agent, key.hash, key.occurrence]);
}

function _rowKey(row: readonly unknown[]): string {
  return answerKey({ agent: row[0] as string, hash: row[1] as string, occurrence: row[2] as number });
}
