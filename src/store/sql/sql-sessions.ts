/** Sessions and userdata in SQL. */
import type { SessionInfo } from "../store.js";
import { usageSql } from "./sql-answers.js";
import type { SqlConnection } from "./sql-connection.js";

export async function beginSession(connection: SqlConnection, info: SessionInfo): Promise<number> {
  const row = await connection.get("INSERT INTO sessions (started_at, strategy, pid) VALUES (?, ?, ?) RETURNING id", [
    info.startedAt,
    info.strategy,
    info.pid,
  ]);
  return row![0] as number;
}

/**
 * Ends a session and writes its tokens by model into `session_usage`, so reading a
 * workspace's usage need not join every answer of the sessions that are over.
 */
export async function endSession(connection: SqlConnection, session: number, summary: unknown): Promise<void> {
  await connection.transaction(async (transaction) => {
    await transaction.run("UPDATE sessions SET ended_at = ?, summary = ? WHERE id = ?", [
      Date.now(),
      JSON.stringify(summary) ?? null,
      session,
    ]);
    await transaction.run("DELETE FROM session_usage WHERE session = ?", [session]);
    await transaction.run(
      `INSERT INTO session_usage (session, model, via_batch, answers, input_tokens, output_tokens, cached_tokens,
         uncounted)
       SELECT session, model, via_batch, answers, input_tokens, output_tokens, cached_tokens, uncounted
       FROM (${usageSql("r.session = ?")}) AS usage`,
      [session],
    );
  });
}

export async function previousSession(
  connection: SqlConnection,
  session: number,
): Promise<{ readonly summary: unknown } | undefined> {
  const row = await connection.get("SELECT summary FROM sessions WHERE id < ? ORDER BY id DESC LIMIT 1", [session]);
  return row && { summary: row[0] === null ? undefined : JSON.parse(row[0] as string) };
}

export async function saveUserdata(connection: SqlConnection, key: string, json: string, session: number) {
  await connection.run(
    `INSERT INTO userdata (key, value, session, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, session = excluded.session,
       updated_at = excluded.updated_at`,
    [key, json, session, Date.now()],
  );
}

export async function loadUserdata(connection: SqlConnection, key: string): Promise<string | undefined> {
  const row = await connection.get("SELECT value FROM userdata WHERE key = ?", [key]);
  return row?.[0] as string | undefined;
}
