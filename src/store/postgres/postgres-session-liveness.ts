/**
 * Which sessions of a PostgreSQL store are running: a worker holds an advisory
 * lock keyed by its session on a connection of its own for as long as the
 * session runs. A worker that dies loses the connection, and with it the lock,
 * so a reader tells a running session from a killed one without a lease.
 */
import pg from "pg";
import { sessionKey } from "./postgres-live-sessions.js";

/** Holds the running session's lock on a client outside the pool (so it never takes a slot statements need). */
export class SessionLiveness {
  readonly #config: pg.ClientConfig;
  #client: pg.Client | undefined;

  constructor(config: pg.ClientConfig) {
    this.#config = config;
  }

  /**
   * Marks `session` running until `release`. Best effort: if the lock cannot be taken (the
   * server refuses another connection), the session still runs, and readers call it not ended.
   */
  async hold(session: number): Promise<void> {
    await this.release();
    const client = new pg.Client(this.#config);
    // A dropped connection only ends the mark; it must not crash the run.
    client.on("error", () => {});
    try {
      await client.connect();
      await client.query(`SELECT pg_advisory_lock(${sessionKey}, $1)`, [session]);
      this.#client = client;
    } catch {
      await client.end().catch(() => {});
    }
  }

  async release(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    // Ending the connection releases its locks.
    await client?.end().catch(() => {});
  }
}
