/**
 * Rate windows shared by every worker of one PostgreSQL store (see
 * `Store.takeFromWindows`): one call of the migration's `parallellm_take_rate`,
 * which locks the windows' rows, checks them all and takes from them all or none.
 */

import type { SqlConnection } from "../sql/sql-connection.js";
import type { WindowTake } from "../store.js";
import { escapeText } from "./postgres-connection.js";

export async function takeFromWindows(connection: SqlConnection, takes: readonly WindowTake[]): Promise<number> {
  const json = JSON.stringify(
    takes.map((take) => ({ key: escapeText(take.key), lim: take.limit, span: take.spanMs, weight: take.weight })),
  );
  const [waitMs] = (await connection.get("SELECT parallellm_take_rate(?::json)", [json])) as [number];
  return waitMs;
}
