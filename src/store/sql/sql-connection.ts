/**
 * What the SQL store needs of a database: four ways to run a statement and a
 * close (Kysely's `DatabaseConnection`, made smaller). A database is added by
 * writing one of these over its driver, and its schema; the store's logic is
 * shared. Statements use `?` placeholders (a driver that numbers them, like
 * PostgreSQL's `$1`, rewrites them) and standard SQL that SQLite and PostgreSQL
 * both run: `ON CONFLICT`, `RETURNING`, `coalesce`, common table expressions.
 */

/** A value bound to a placeholder. Booleans are stored as 0 and 1; bytes as a BLOB (PostgreSQL: `bytea`). */
export type SqlValue = string | number | Uint8Array | null;

/** One row: its columns in the order the statement selects them; numbers as JavaScript numbers. */
export type SqlRow = readonly unknown[];

export interface SqlConnection {
  /** The few places the SQL of databases differs. */
  readonly dialect: SqlDialect;
  /** Run a statement; resolves to how many rows it changed. */
  run(sql: string, parameters?: readonly SqlValue[]): Promise<number>;
  /** The first row a statement returns; `undefined` when there is none. */
  get(sql: string, parameters?: readonly SqlValue[]): Promise<SqlRow | undefined>;
  /** Every row a statement returns. */
  all(sql: string, parameters?: readonly SqlValue[]): Promise<SqlRow[]>;
  /**
   * Run `body` in one transaction on `connection`: everything it ran commits, or,
   * when it throws, nothing does. Other statements wait until it ends.
   */
  transaction<T>(body: (connection: SqlConnection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface SqlDialect {
  /** An expression that orders a table's rows as they were inserted (SQLite: `rowid`; else a serial column). */
  readonly insertionOrder: string;
}
