/**
 * Locks among the workers of one PostgreSQL store: session advisory locks, each
 * held on a client of its own for as long as its holder works under it. A worker
 * that dies loses its connection, and the server releases its locks at once:
 * nothing waits for a lease to run out.
 */
import { type PostgresConnection, postgresTypes } from "./postgres-connection.js";
import { postgresError } from "./postgres-errors.js";

/** Two keys: the store's schema and the lock's name (the one-key space is the migration lock's). */
const lockKey = "hashtext(current_schema()), hashtext('parallellm ' || $1)";

/** See `Store.withLock`. */
export async function withAdvisoryLock<T>(
  connection: PostgresConnection,
  location: string,
  lock: string,
  wait: boolean,
  body: () => Promise<T>,
): Promise<{ readonly value: T } | undefined> {
  const client = await connection.connect();
  const query = async (sql: string) => {
    try {
      return (await client.query({ text: sql, values: [lock], rowMode: "array", types: postgresTypes })).rows;
    } catch (error) {
      throw postgresError(error, location);
    }
  };
  let held = false;
  let broken = false;
  try {
    if (wait) await query(`SELECT pg_advisory_lock(${lockKey})`);
    else if (!((await query(`SELECT pg_try_advisory_lock(${lockKey})`))[0]![0] as boolean)) return undefined;
    held = true;
    return { value: await body() };
  } finally {
    // A lock that cannot be released here is released with the connection, which is then closed.
    if (held) await query(`SELECT pg_advisory_unlock(${lockKey})`).catch(() => (broken = true));
    client.release(broken);
  }
}
