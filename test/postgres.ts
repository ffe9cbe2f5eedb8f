/**
 * The PostgreSQL server the tests use: `PARALLELLM_PG_URL` (`npm run pg:start`
 * starts one and prints it; `.ci/run` starts one). Without it the Postgres tests
 * skip with one line, except under `CI=true`, where they fail: CI must test them.
 * Each test gets a schema of its own, dropped after it.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, afterEach, describe } from "vitest";
import { type PostgresStoreOptions, postgresStore } from "../src/postgres.js";

export const pgUrl = process.env.PARALLELLM_PG_URL;
const ci = process.env.CI === "true";

if (!pgUrl && !ci) {
  console.warn(
    "Postgres tests skipped: PARALLELLM_PG_URL is not set (npm run pg:start starts a server and prints it).",
  );
}

/** `describe` for tests that need the server: skipped without one, failing under CI=true. */
export const describePg: typeof describe = ((name: string, body: () => void) =>
  pgUrl || ci
    ? describe(name, () => {
        if (!pgUrl) throw new Error("CI=true but PARALLELLM_PG_URL is not set: .ci/run starts the server and sets it.");
        body();
      })
    : describe.skip(name, body)) as typeof describe;

let admin: pg.Pool | undefined;
const made: string[] = [];

/** A fresh schema name (not made yet: the store creates it), dropped after the test. */
export function tempSchema(): string {
  const schema = `t_${randomBytes(6).toString("hex")}`;
  made.push(schema);
  return schema;
}

/** A store in a fresh schema. */
export function tempPostgresStore(options: PostgresStoreOptions = {}) {
  return postgresStore(pgUrl, { schema: tempSchema(), ...options });
}

/** The URL whose connections use `schema` (for worker processes and the CLI). */
export function schemaUrl(schema: string): string {
  const url = new URL(pgUrl!);
  url.searchParams.set("options", `-c search_path=${schema}`);
  return url.toString();
}

/** Run SQL as the server's owner (outside any test schema unless it names one). */
export async function adminQuery(sql: string, values: unknown[] = []): Promise<unknown[][]> {
  admin ??= new pg.Pool({ connectionString: pgUrl, max: 2 });
  return (await admin.query({ text: sql, values, rowMode: "array" })).rows;
}

afterEach(async () => {
  const schemas = made.splice(0);
  if (schemas.length > 0) await adminQuery(`DROP SCHEMA IF EXISTS ${schemas.join(", ")} CASCADE`);
});

afterAll(async () => {
  await admin?.end();
  admin = undefined;
});
