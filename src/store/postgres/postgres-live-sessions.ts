/**
 * The running sessions of a PostgreSQL store, as a reader sees them: each
 * worker holds an advisory lock keyed by its session while it runs
 * (`SessionLiveness`), and the server drops it with a dead worker's connection.
 */
import type { SqlConnection } from "../sql/sql-connection.js";

/** The lock's first key: the store's schema (the second is the session id), so the lock space is the store's own. */
export const sessionKey = "hashtext(current_schema() || ' sessions')";

/** The sessions whose worker holds its lock now, on any machine, oldest first. */
export async function liveSessions(read: SqlConnection): Promise<number[]> {
  const rows = (await read.all(
    `SELECT objid::bigint FROM pg_locks
     WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = ${sessionKey}::oid ORDER BY 1`,
  )) as [number][];
  return rows.map(([session]) => session);
}
