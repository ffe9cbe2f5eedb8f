/** `inspectPostgres`: the read-only view of a PostgreSQL store, as `Parallellm.inspect` is of a workspace directory. */
import { StoreError } from "../core/errors.js";
import { openPostgresReader } from "../store/postgres/postgres-reader.js";
import type { WorkspaceReader } from "../store/workspace-reader.js";
import { type InspectOptions, inspectPrices } from "./inspect-workspace.js";

export interface InspectPostgresOptions extends InspectOptions {
  /** The PostgreSQL schema holding the store. @default "public" */
  readonly schema?: string | undefined;
}

/**
 * Opens the PostgreSQL store at `url` read-only: no session, no lock, no write, no migration
 * (a store of an older schema is refused: `pllm migrate --pg` upgrades it).
 *
 * @example
 * await using reader = await inspectPostgres(process.env.PARALLELLM_PG_URL);
 * console.log((await reader.overview()).calls);
 */
export async function inspectPostgres(
  url: string | undefined,
  options: InspectPostgresOptions = {},
): Promise<WorkspaceReader> {
  if (typeof url !== "string" || url.trim() === "") {
    throw new StoreError(
      `inspectPostgres(url) takes a connection URL (postgres://user@host:port/database), got ${url === undefined ? "undefined (is PARALLELLM_PG_URL set?)" : typeof url}.`,
    );
  }
  const prices = inspectPrices("inspectPostgres(url, options)", options, ["schema"]);
  const reader = openPostgresReader({ url, schema: options.schema }, prices);
  // Refused here (no store, an older schema, an unreachable server) rather than at the first read.
  await reader.sessions().catch(async (error: unknown) => {
    await reader.close();
    throw error;
  });
  return reader;
}
