/**
 * A PostgreSQL store as one end of `pllm copy`: read in one repeatable-read
 * snapshot; written into a store created (or found empty) in its schema, whose
 * identity sequences are moved past the copied ids so later rows do not collide.
 */
import type { SqlConnection } from "../sql/sql-connection.js";
import { type CopyEndpoint, checkEmpty } from "../sql/sql-copy.js";
import { openPostgres, type PostgresTarget, storeVersion } from "./postgres-open.js";

/** The store at `target` to copy from (it must exist, at this version's schema). */
export async function postgresCopySource(target: PostgresTarget): Promise<CopyEndpoint & { close(): Promise<void> }> {
  const { connection, location } = openPostgres(target, "read");
  try {
    // Reached and checked before the destination is opened (which may create it).
    await connection.get("SELECT 1");
  } catch (error) {
    await connection.close();
    throw error;
  }
  return {
    location,
    connection,
    tableColumns,
    snapshot: (body) =>
      connection.transaction(async (inside) => {
        await inside.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
        return body(inside);
      }),
    afterCopy: async () => {},
    close: () => connection.close(),
  };
}

/**
 * The store at `target` to copy into: created when the schema holds none. A store there is
 * checked (reachable, not newer) before anything is created; whether it is empty, by the copy.
 */
export async function postgresCopyDestination(
  target: PostgresTarget,
): Promise<CopyEndpoint & { close(): Promise<void> }> {
  const reading = openPostgres(target, "read");
  try {
    if ((await storeVersion(reading.pool, reading.location)) !== undefined) {
      await checkEmpty(reading.location, reading.connection);
    }
  } finally {
    await reading.connection.close();
  }
  const { connection, location } = openPostgres(target, "write");
  return {
    location,
    connection,
    tableColumns,
    snapshot: (body) => connection.transaction(body),
    afterCopy: moveSequences,
    close: () => connection.close(),
  };
}

// --- internal ---

function tableColumns(connection: SqlConnection): Promise<[string, string][]> {
  return connection.all(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name <> 'parallellm_schema'
     ORDER BY table_name, ordinal_position`,
  ) as Promise<[string, string][]>;
}

/** Each identity column's sequence set past the largest id copied (ids given explicitly do not advance it). */
async function moveSequences(connection: SqlConnection): Promise<void> {
  const identities = (await connection.all(
    `SELECT table_name, column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND is_identity = 'YES' AND identity_generation = 'BY DEFAULT'`,
  )) as [string, string][];
  for (const [table, column] of identities) {
    await connection.get(
      `SELECT setval(pg_get_serial_sequence(?, ?), coalesce((SELECT max(${column}) FROM ${table}), 0) + 1, false)`,
      [table, column],
    );
  }
}
