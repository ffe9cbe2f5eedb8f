/**
 * The export rows of a PostgreSQL store, page by page: each page of calls (as
 * `calls` lists them), what the export adds to them and the documents their
 * requests refer to are read in one snapshot; the documents are held for
 * that page only, so memory stays bounded however many calls.
 */
import { documentReferences } from "../../core/canonical.js";
import type { ExportRow } from "../../export/export-row.js";
import { base64Bytes, type DocumentSource } from "../../export/prompt-text.js";
import type { ModelPrice } from "../../providers/model-prices.js";
import type { SqlConnection } from "../sql/sql-connection.js";
import { type ExportExtras, exportExtrasSql, exportKeys, exportRowOf } from "../sql/sql-reader-export.js";
import type { CallFilter, CallPage, CallPageOptions } from "../workspace-reader.js";

/** Calls per page: one snapshot each. */
const defaultPageSize = 1000;

/** The page's identities, from the JSON array bound (`exportExtrasSql`). */
const postgresKeys = `SELECT position, value ->> 0 AS agent, value ->> 1 AS hash, (value ->> 2)::bigint AS occurrence,
  (value ->> 3)::bigint AS batch FROM json_array_elements(?::json) WITH ORDINALITY AS page (value, position)`;

const extrasSql = exportExtrasSql(postgresKeys);

export class PostgresExportRows {
  readonly #prices: Readonly<Record<string, ModelPrice>>;
  readonly #read: <T>(body: (read: SqlConnection) => Promise<T>) => Promise<T>;
  readonly #page: (read: SqlConnection, options: CallPageOptions) => Promise<CallPage>;

  /** `read` runs its body in one snapshot; `page` reads a page of calls in it. */
  constructor(
    prices: Readonly<Record<string, ModelPrice>>,
    read: <T>(body: (read: SqlConnection) => Promise<T>) => Promise<T>,
    page: (read: SqlConnection, options: CallPageOptions) => Promise<CallPage>,
  ) {
    this.#prices = prices;
    this.#read = read;
    this.#page = page;
  }

  /** Every call that matches `filter`, as export rows, in the order of `calls`. */
  async *rows(filter: CallFilter & { readonly pageSize?: number | undefined } = {}): AsyncGenerator<ExportRow> {
    const { pageSize, ...rest } = filter;
    let after: string | undefined;
    do {
      const page = await this.#read(async (read) => {
        const { calls, next } = await this.#page(read, { ...rest, limit: pageSize ?? defaultPageSize, after });
        if (calls.length === 0) return { rows: [], next };
        const extras = (await read.all(extrasSql, [exportKeys(calls)])) as ExportExtras[];
        const documents = await documentsOf(read, extras);
        return { rows: calls.map((call, index) => exportRowOf(call, extras[index]!, documents, this.#prices)), next };
      });
      yield* page.rows;
      after = page.next;
    } while (after !== undefined);
  }
}

// --- internal ---

/** The documents the page's requests refer to, read at once. */
async function documentsOf(read: SqlConnection, extras: readonly ExportExtras[]): Promise<DocumentSource> {
  const hashes = new Set<string>();
  for (const [canonical] of extras)
    if (canonical !== null) for (const hash of documentReferences(canonical)) hashes.add(hash);
  const rows =
    hashes.size === 0
      ? []
      : ((await read.all(
          "SELECT hash, size, content FROM documents WHERE hash IN (SELECT json_array_elements_text(?::json))",
          [JSON.stringify([...hashes])],
        )) as [string, number, string][]);
  const byHash = new Map(rows.map(([hash, size, content]) => [hash, { size, content }]));
  return {
    text: (hash) => byHash.get(hash)?.content,
    byteSize: (hash) => {
      const document = byHash.get(hash);
      return document && base64Bytes(document.size, document.content.slice(-2));
    },
  };
}
