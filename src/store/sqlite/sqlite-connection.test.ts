import Database from "better-sqlite3";
import { expect, it } from "vitest";
import { StoreError } from "../../core/errors.js";
import { SqliteConnection } from "./sqlite-connection.js";

function connection(): SqliteConnection {
  const db = new Database(":memory:");
  db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)");
  return new SqliteConnection(db, "memory.sqlite");
}

const texts = async (sql: SqliteConnection) =>
  (await sql.all("SELECT text FROM notes ORDER BY id")).map((row) => row[0]);

it("transactions started together run one after the other, each whole", async () => {
  const sql = connection();
  const write = (name: string) =>
    sql.transaction(async (transaction) => {
      await transaction.run("INSERT INTO notes (text) VALUES (?)", [`${name} 1`]);
      await transaction.run("INSERT INTO notes (text) VALUES (?)", [`${name} 2`]);
    });
  await Promise.all([write("a"), write("b"), write("c")]);
  expect(await texts(sql)).toEqual(["a 1", "a 2", "b 1", "b 2", "c 1", "c 2"]);
  await sql.close();
});

it("a statement issued during a transaction waits for it, and is kept when the transaction rolls back", async () => {
  const sql = connection();
  const failing = sql.transaction(async (transaction) => {
    await transaction.run("INSERT INTO notes (text) VALUES ('taken back')");
    await new Promise((resolve) => setTimeout(resolve, 10));
    throw new Error("the body failed");
  });
  const outside = sql.run("INSERT INTO notes (text) VALUES ('kept')");
  await expect(failing).rejects.toThrow("the body failed");
  expect(await outside).toBe(1);
  expect(await texts(sql)).toEqual(["kept"]);
  await sql.close();
});

it("SQLite errors become StoreErrors naming the store", async () => {
  const sql = connection();
  await expect(sql.run("INSERT INTO missing VALUES (1)")).rejects.toThrow(StoreError);
  await expect(sql.get("SELECT nothing FROM notes")).rejects.toThrow(/The store at memory\.sqlite failed/);
  await sql.close();
});
