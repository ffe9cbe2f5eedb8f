/**
 * The export rows of a SQLite workspace, page by page: each page of calls (as
 * `calls` lists them, with its filters) and what the export adds to them (the
 * request, the answer's tool calls and cached tokens, the batch at the provider,
 * the latest failure) are read in one read transaction, so every row is of one
 * snapshot however busy the writer. Documents stored apart are read by hash,
 * the most recently used kept in memory up to a bound.
 */
import type Database from "better-sqlite3";
import type { ExportRow } from "../../export/export-row.js";
import { base64Bytes, type DocumentSource } from "../../export/prompt-text.js";
import type { ModelPrice } from "../../providers/model-prices.js";
import { type ExportExtras, exportExtrasSql, exportKeys, exportRowOf } from "../sql/sql-reader-export.js";
import type { CallFilter, CallRow } from "../workspace-reader.js";
import type { CallRows } from "./sqlite-reader-calls.js";

/** Calls per page: one read transaction each. */
const defaultPageSize = 1000;
/** The page's identities, from the JSON array bound (`exportExtrasSql`). */
const sqliteKeys = `SELECT key AS position, value ->> 0 AS agent, value ->> 1 AS hash, value ->> 2 AS occurrence,
  value ->> 3 AS batch FROM json_each(?)`;

/** Characters of document text kept in memory: a long prompt shared by many calls is read once. */
const documentCacheCharacters = 16_000_000;

/** Reads export rows; one per workspace reader, so its statements and document cache are shared by its exports. */
export class ExportRows implements DocumentSource {
  readonly #db: Database.Database;
  readonly #calls: CallRows;
  readonly #prices: Readonly<Record<string, ModelPrice>>;
  readonly #extras: Database.Statement<unknown[], unknown>;
  readonly #documentText: Database.Statement<unknown[], unknown>;
  readonly #documentSize: Database.Statement<unknown[], unknown>;
  readonly #texts = new Map<string, string>();
  #textCharacters = 0;
  readonly #sizes = new Map<string, number>();

  constructor(db: Database.Database, calls: CallRows, prices: Readonly<Record<string, ModelPrice>>) {
    this.#db = db;
    this.#calls = calls;
    this.#prices = prices;
    this.#extras = db.prepare(exportExtrasSql(sqliteKeys)).raw(true);
    this.#documentText = db.prepare("SELECT content FROM documents WHERE hash = ?").pluck(true);
    this.#documentSize = db.prepare("SELECT size, substr(content, -2) FROM documents WHERE hash = ?").raw(true);
  }

  /** Every call that matches `filter`, as export rows, in the order of `calls`. */
  async *rows(filter: CallFilter & { readonly pageSize?: number | undefined } = {}): AsyncGenerator<ExportRow> {
    const { pageSize, ...rest } = filter;
    let after: string | undefined;
    do {
      const page = this.#db.transaction(() => {
        const calls = this.#calls.page({ ...rest, limit: pageSize ?? defaultPageSize, after });
        return { ...calls, rows: this.#rowsOf(calls.calls) };
      })();
      yield* page.rows;
      after = page.next;
    } while (after !== undefined);
  }

  text(hash: string): string | undefined {
    const cached = this.#texts.get(hash);
    if (cached !== undefined) {
      // Most recently used last: the first entries are the ones to drop.
      this.#texts.delete(hash);
      this.#texts.set(hash, cached);
      return cached;
    }
    const text = this.#documentText.get(hash) as string | undefined;
    if (text === undefined) return undefined;
    this.#texts.set(hash, text);
    this.#textCharacters += text.length;
    for (const [oldest, dropped] of this.#texts) {
      if (this.#textCharacters <= documentCacheCharacters) break;
      this.#texts.delete(oldest);
      this.#textCharacters -= dropped.length;
    }
    return text;
  }

  byteSize(hash: string): number | undefined {
    let size = this.#sizes.get(hash);
    if (size === undefined) {
      const row = this.#documentSize.get(hash) as [number, string] | undefined;
      if (row === undefined) return undefined;
      size = base64Bytes(row[0], row[1]);
      // Sizes are small; a workspace of a million distinct images is dropped and read again.
      if (this.#sizes.size >= 100_000) this.#sizes.clear();
      this.#sizes.set(hash, size);
    }
    return size;
  }

  #rowsOf(calls: readonly CallRow[]): ExportRow[] {
    if (calls.length === 0) return [];
    const extras = this.#extras.all(exportKeys(calls)) as ExportExtras[];
    return calls.map((call, index) => exportRowOf(call, extras[index]!, this, this.#prices));
  }
}
