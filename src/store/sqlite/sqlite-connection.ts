/**
 * A `SqlConnection` over one better-sqlite3 database: each statement prepared
 * once, rows as arrays, and SQLite's error codes turned into messages a user
 * can act on.
 */
import type Database from "better-sqlite3";
import type { SqlConnection, SqlRow, SqlValue } from "../sql/sql-connection.js";
import { storeError } from "./sqlite-errors.js";

type Statement = Database.Statement<unknown[], unknown>;

export class SqliteConnection implements SqlConnection {
  readonly dialect = { insertionOrder: "rowid" } as const;
  readonly #db: Database.Database;
  readonly #path: string;
  readonly #statements = new Map<string, Statement>();
  /** Settles when the transaction under way ends: one runs at a time, and other statements wait for it. */
  #transaction: Promise<void> | undefined;
  /** What a transaction's body runs on: this connection, without waiting for the transaction itself. */
  readonly #inside: SqlConnection;

  constructor(db: Database.Database, path: string) {
    this.#db = db;
    this.#path = path;
    this.#inside = {
      dialect: this.dialect,
      run: async (sql, parameters) => this.#run(sql, parameters),
      get: async (sql, parameters) => this.#get(sql, parameters),
      all: async (sql, parameters) => this.#all(sql, parameters),
      transaction: (body) => body(this.#inside),
      close: () => this.close(),
    };
  }

  async run(sql: string, parameters?: readonly SqlValue[]): Promise<number> {
    while (this.#transaction) await this.#transaction;
    return this.#run(sql, parameters);
  }

  async get(sql: string, parameters?: readonly SqlValue[]): Promise<SqlRow | undefined> {
    while (this.#transaction) await this.#transaction;
    return this.#get(sql, parameters);
  }

  async all(sql: string, parameters?: readonly SqlValue[]): Promise<SqlRow[]> {
    while (this.#transaction) await this.#transaction;
    return this.#all(sql, parameters);
  }

  async transaction<T>(body: (connection: SqlConnection) => Promise<T>): Promise<T> {
    while (this.#transaction) await this.#transaction;
    const running = this.#runTransaction(body);
    const settled = running.then(
      () => {},
      () => {},
    );
    this.#transaction = settled;
    // Registered before any waiter's, so waiters find the connection free when they resume.
    void settled.then(() => {
      if (this.#transaction === settled) this.#transaction = undefined;
    });
    return running;
  }

  async close(): Promise<void> {
    while (this.#transaction) await this.#transaction;
    if (this.#db.open) this.#db.close();
  }

  /** Whether a transaction is open (its writes are visible to this connection's reads only). */
  get inTransaction(): boolean {
    return this.#db.inTransaction;
  }

  async #runTransaction<T>(body: (connection: SqlConnection) => Promise<T>): Promise<T> {
    this.#execute(() => this.#db.exec("BEGIN IMMEDIATE"));
    try {
      const result = await body(this.#inside);
      this.#execute(() => this.#db.exec("COMMIT"));
      return result;
    } catch (error) {
      if (this.#db.open && this.#db.inTransaction) this.#db.exec("ROLLBACK");
      throw error;
    }
  }

  #run(sql: string, parameters: readonly SqlValue[] = []): number {
    return this.#execute(() => this.#statement(sql).run(...parameters).changes);
  }

  #get(sql: string, parameters: readonly SqlValue[] = []): SqlRow | undefined {
    return this.#execute(
      () =>
        this.#statement(sql)
          .raw(true)
          .get(...parameters) as SqlRow | undefined,
    );
  }

  #all(sql: string, parameters: readonly SqlValue[] = []): SqlRow[] {
    return this.#execute(
      () =>
        this.#statement(sql)
          .raw(true)
          .all(...parameters) as SqlRow[],
    );
  }

  #statement(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  #execute<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw storeError(error, this.#path);
    }
  }
}
