/**
 * The default, embedded store: one SQLite file in WAL mode. Every answer is
 * committed in its own transaction before user code sees it; with WAL and
 * `synchronous = NORMAL` a killed process never loses a committed answer.
 * The logic is the SQL store's; SQLite adds the synchronous replay reads.
 */
import type Database from "better-sqlite3";
import { StoreError } from "../../core/errors.js";
import { SqlStore } from "../sql/sql-store.js";
import type { AgentAnswers, CallKey, StoredAnswer } from "../store.js";
import { type OpenedDatabase, openSqliteDatabase } from "./open-sqlite-database.js";
import { SqliteConnection } from "./sqlite-connection.js";
import { batchStates, removeDocuments, type UnusedDocuments, unusedDocuments } from "./sqlite-garbage.js";
import { SqliteReplay } from "./sqlite-replay.js";
import { acquireWorkspaceLock, type WorkspaceLock } from "./workspace-lock.js";

export class SqliteStore extends SqlStore {
  readonly #db: Database.Database;
  readonly #replay: SqliteReplay;
  readonly #lock: WorkspaceLock | undefined;
  /** The schema the store had when this open upgraded it; `undefined` when it was current or new. */
  readonly migratedFrom: number | undefined;

  /**
   * Open the store at `path`; `lock` (see `createSqliteStore`) is released at `close()`.
   * `opened`: the database opened already (read-only for a dry run); by default opened and migrated.
   */
  constructor(path: string, lock?: WorkspaceLock, opened: OpenedDatabase = openSqliteDatabase(path)) {
    const { db, migratedFrom } = opened;
    super(new SqliteConnection(db, path), path);
    this.migratedFrom = migratedFrom;
    this.#db = db;
    this.#replay = new SqliteReplay(db);
    this.#lock = lock;
  }

  /**
   * Synchronous: a replay reads the file directly, without a promise per ask. It reads on the
   * writing connection, so it also sees the rows of a group commit under way: answers to calls
   * in flight, which no ask looks up (an agent's name runs once at a time).
   */
  lookupSync(key: CallKey): StoredAnswer | undefined {
    return this.#replay.lookup(key);
  }

  agentAnswersSync(agent: string): AgentAnswers {
    return this.#replay.agentAnswers(agent);
  }

  override async lookup(key: CallKey): Promise<StoredAnswer | undefined> {
    return this.#replay.lookup(key);
  }

  /** Stored documents no request refers to (what `pllm gc` removes). */
  unusedDocuments(): UnusedDocuments {
    return unusedDocuments(this.#db);
  }

  /**
   * Delete the documents `hashes` and give their space back (see `removeDocuments`);
   * only while holding the workspace lock. Resolves to whether the file was vacuumed.
   */
  async removeDocuments(hashes: readonly string[]): Promise<boolean> {
    if (!this.#lock) throw new StoreError("The store must be opened with the workspace lock to remove documents.");
    return removeDocuments(this.#db, hashes);
  }

  /** Every batch's tag and state. */
  batchStates(): ReadonlyMap<string, string> {
    return batchStates(this.#db);
  }

  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      this.#lock?.release();
    }
  }
}

export interface SqliteStoreOptions {
  /**
   * When another process has the workspace open: `"fail"` at once with a
   * `StoreError` naming it, or `"wait"` until it closes.
   * @default "fail"
   */
  readonly lock?: "fail" | "wait";
}

/**
 * Take the workspace lock (`<path>.lock`), then open (creating if needed) and
 * migrate a SQLite store, refusing files that are not ours.
 */
export async function createSqliteStore(path: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  const lock = await acquireWorkspaceLock(`${path}.lock`, { mode: options.lock });
  try {
    return new SqliteStore(path, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}
