import pg from "pg";
import { describe, expect, it } from "vitest";
import { adminQuery, describePg, pgUrl, schemaUrl, tempPostgresStore, tempSchema } from "../../../test/postgres.js";
import { testStore } from "../../testing/test-store.js";
import { escapeText, numberPlaceholders, unescapeText } from "./postgres-connection.js";
import { postgresMigrations } from "./postgres-migrations.js";
import { postgresStore } from "./postgres-store.js";

describePg("the PostgreSQL store passes the Store contract", () => {
  testStore(() => tempPostgresStore(), { describe, it });

  it("has claims, so the contract's claim cases run on it (workers sharing it send each call once)", async () => {
    const store = tempPostgresStore();
    await store.close();
    expect([store.claimCalls, store.renewClaims, store.releaseClaims].map((method) => typeof method)).toEqual([
      "function",
      "function",
      "function",
    ]);
  });
});

describePg("the PostgreSQL store's schema", () => {
  it("four stores opening one empty schema at once migrate it once", async () => {
    const schema = tempSchema();
    const stores = Array.from({ length: 4 }, () => postgresStore(pgUrl, { schema }));
    try {
      const upgraded = await Promise.all(stores.map((store) => store.migrated));
      expect(upgraded).toEqual([undefined, undefined, undefined, undefined]);
      expect(await adminQuery(`SELECT version FROM ${schema}.parallellm_schema`)).toEqual([
        [postgresMigrations.length],
      ]);
      const sessions = await Promise.all(
        stores.map((store) => store.beginSession({ strategy: "sync", pid: 1, startedAt: 1 })),
      );
      expect(new Set(sessions).size).toBe(4);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it("refuses tables that are not a store, and a newer schema, untouched", async () => {
    const schema = tempSchema();
    await adminQuery(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.sessions (x INTEGER)`);
    const foreign = postgresStore(pgUrl, { schema });
    await expect(foreign.beginSession({ strategy: "sync", pid: 1, startedAt: 1 })).rejects.toThrow(
      /already has tables named calls or sessions that are not a parallellm store; they were left untouched/,
    );
    await foreign.close();

    const newer = tempSchema();
    await (await tempStoreIn(newer)).close();
    await adminQuery(`UPDATE ${newer}.parallellm_schema SET version = 999`);
    const store = postgresStore(pgUrl, { schema: newer });
    await expect(store.migrated).rejects.toThrow(
      `written by a newer parallellm (schema 999; this version knows ${postgresMigrations.length})`,
    );
    await store.close();
  });

  it("a store closed by one run serves the next: its own pool reopens, a pool passed in is never ended", async () => {
    const store = tempPostgresStore();
    const first = await store.beginSession({ strategy: "sync", pid: 1, startedAt: 1 });
    await store.close();
    expect(await store.beginSession({ strategy: "sync", pid: 1, startedAt: 2 })).toBe(first + 1);
    await store.close();
    await store.close();

    const schema = tempSchema();
    await adminQuery(`CREATE SCHEMA ${schema}`);
    const pool = new pg.Pool({ connectionString: schemaUrl(schema), max: 2 });
    try {
      const onPool = postgresStore(pool);
      await onPool.beginSession({ strategy: "sync", pid: 1, startedAt: 1 });
      await onPool.close();
      expect(pool.ending).toBe(false);
      await onPool.beginSession({ strategy: "sync", pid: 1, startedAt: 2 });
      await onPool.close();
    } finally {
      await pool.end();
    }
  });

  it("names the server without its password when it cannot reach it", async () => {
    const store = postgresStore("postgres://user:secret-password@127.0.0.1:9/db");
    const error = await store.beginSession({ strategy: "sync", pid: 1, startedAt: 1 }).catch((caught: Error) => caught);
    expect(String(error)).toMatch(/Cannot reach the PostgreSQL store at postgres:\/\/user:\*\*\*@127\.0\.0\.1:9\/db/);
    expect(String(error)).not.toContain("secret-password");
    await store.close();
  });
});

async function tempStoreIn(schema: string) {
  const store = postgresStore(pgUrl, { schema });
  await store.migrated;
  return store;
}

it("refuses a pool of one connection, which a lock among workers would leave with none to work on", () => {
  expect(() => postgresStore("postgres://127.0.0.1:9/db", { maxConnections: 1 })).toThrow(
    /takes a whole number from 2 and up \(a lock among workers holds one connection/,
  );
});

it("numbers placeholders outside string literals and comments", () => {
  expect(numberPlaceholders("SELECT ?, '?', ? WHERE a = ?")).toBe("SELECT $1, '?', $2 WHERE a = $3");
  expect(numberPlaceholders("-- a batch's ?\nVALUES (?, 'it''s', ?)")).toBe("-- a batch's ?\nVALUES ($1, 'it''s', $2)");
});

it("escapes U+0000 (which PostgreSQL text cannot hold) reversibly", () => {
  for (const text of ["plain", "a\u0000b", "\u0001", "\u0001\u0002", "\u0000\u0001\u0000", "é\u0000😀"]) {
    expect(escapeText(text)).not.toContain("\u0000");
    expect(unescapeText(escapeText(text))).toBe(text);
  }
  expect(escapeText("plain")).toBe("plain");
});
