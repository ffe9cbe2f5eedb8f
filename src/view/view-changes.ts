/**
 * Live updates: one poll of the reader's change signature (`WorkspaceReader.changes`)
 * per interval, however many pages listen, and none while no page does. Each
 * listener hears the new signature when it changed; the page then refetches what
 * it shows.
 */
import type { WorkspaceReader } from "../store/workspace-reader.js";

type Listener = (signature: string) => void;

export class WorkspaceChanges {
  readonly #reader: WorkspaceReader;
  readonly #interval: number;
  readonly #listeners = new Set<Listener>();
  #signature: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #close: () => void = () => {};
  /** Settles when `close` is called: every open event stream ends then. */
  readonly closed = new Promise<void>((resolve) => {
    this.#close = resolve;
  });

  /** `interval`: milliseconds between two polls while someone listens. */
  constructor(reader: WorkspaceReader, interval: number) {
    this.#reader = reader;
    this.#interval = interval;
  }

  /** The signature now (a read of the store). */
  async current(): Promise<string> {
    this.#signature = await this.#reader.changes();
    return this.#signature;
  }

  /** Calls `listener` with each new signature until the returned function is called. */
  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    this.#schedule();
    return () => {
      this.#listeners.delete(listener);
    };
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#listeners.clear();
    this.#close();
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#closed || this.#listeners.size === 0) return;
    this.#timer = setTimeout(() => void this.#poll(), this.#interval);
    this.#timer.unref();
  }

  async #poll(): Promise<void> {
    const before = this.#signature;
    try {
      const signature = await this.current();
      if (signature !== before && !this.#closed) for (const listener of this.#listeners) listener(signature);
    } catch {
      // The store could not be read this time (a PostgreSQL server restarting): the next poll tries again.
    } finally {
      this.#timer = undefined;
      this.#schedule();
    }
  }
}
