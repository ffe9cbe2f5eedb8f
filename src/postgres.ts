/**
 * `parallellm/postgres`: the PostgreSQL store, for a team's shared cache and for
 * many workers of one pipeline. Needs the `pg` package (an optional peer dependency).
 */

export { type InspectPostgresOptions, inspectPostgres } from "./run/inspect-postgres.js";
export { PostgresStore, type PostgresStoreOptions, postgresStore } from "./store/postgres/postgres-store.js";
