/**
 * The export rows of a SQLite workspace, page by page: each page of calls (as
 * `calls` lists them, with its filters) and what the export adds to them (the
 * request, the answer's tool calls and cached tokens, the batch at the provider,
 * the latest failure) are read in one read transaction, so every row is of one
 * snapshot however busy the writer. Documents stored apart are read by hash,
 * the most recently used kept in memory up to a bound.
 */
import type Database from "better-sqlite3";
import type { LLMResult } from "../../core/llm.js";
import type { ExportRow } from "../../export/export-row.js";
import { base64Bytes, type DocumentSource, promptText } from "../../export/prompt-text.js";
import { costOf, type ModelPrice } from "../../providers/model-prices.js";
import type { CallFilter, CallRow } from "../workspace-reader.js";
import type { CallRows } from "./sqlite-reader-calls.js";

/** Calls per page: one read transaction each. */
const defaultPageSize = 1000;
/** Characters of document text kept in memory: a long prompt shared by many calls is read once. */
const documentCacheCharacters = 16_000_000;

/**
 * What the export adds to the call rows of a page, in their order: a JSON array of
 * `[agent, hash, occurrence, batch]`, one per row.
 */
const extrasQuery = `
  WITH keys AS (
    SELECT key AS position, value ->> 0 AS agent, value ->> 1 AS hash, value ->> 2 AS occurrence,
      value ->> 3 AS batch
    FROM json_each(?)
  )
  SELECT
    coalesce(c.canonical, (SELECT bc.canonical FROM batch_calls bc
      WHERE bc.agent = k.agent AND bc.hash = k.hash AND bc.occurrence = k.occurrence
      ORDER BY bc.batch_id DESC LIMIT 1)),
    r.result, r.cached_tokens, r.via_batch,
    (SELECT f.message FROM failures f WHERE f.agent = k.agent AND f.hash = k.hash AND f.occurrence = k.occurrence
      ORDER BY f.id DESC LIMIT 1),
    b.provider_batch_id
  FROM keys k
  LEFT JOIN calls c ON c.agent = k.agent AND c.hash = k.hash AND c.occurrence = k.occurrence
  LEFT JOIN responses r ON r.id = c.response_id
  LEFT JOIN batches b ON b.id = k.batch
  ORDER BY k.position`;

type Extras = [string | null, string | null, number | null, number | null, string | null, string | null];

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
    this.#extras = db.prepare(extrasQuery).raw(true);
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
    const keys = JSON.stringify(calls.map((call) => [call.agent, call.hash, call.occurrence, call.batch ?? null]));
    const extras = this.#extras.all(keys) as Extras[];
    return calls.map((call, index) => this.#rowOf(call, extras[index]));
  }

  #rowOf(call: CallRow, extras: Extras): ExportRow {
    const [canonical, resultJson, cachedTokens, viaBatch, failure, providerBatchId] = extras;
    const prompt = canonical === null ? undefined : promptText(canonical, this);
    const answered = call.status === "answered" && resultJson !== null;
    const result = answered ? (JSON.parse(resultJson) as Omit<LLMResult, "text">) : undefined;
    return {
      id: call.id,
      agent: call.agent,
      hash: call.hash,
      occurrence: call.occurrence,
      session: call.session,
      status: call.status,
      provider: call.provider,
      model: call.model,
      instructions: prompt?.instructions,
      prompt: prompt?.prompt,
      text: call.text,
      value: prompt?.hasSchema && call.text !== undefined ? parsedOrUndefined(call.text) : undefined,
      toolCalls: result?.toolCalls,
      finishReason: result?.finishReason.unified,
      inputTokens: call.inputTokens,
      outputTokens: call.outputTokens,
      cachedTokens: answered ? (cachedTokens ?? undefined) : undefined,
      cost: answered ? this.#costOf(call, cachedTokens ?? undefined, viaBatch === 1) : undefined,
      viaBatch: answered ? viaBatch === 1 : undefined,
      latencyMs:
        call.sentAt !== undefined && call.receivedAt !== undefined
          ? Math.round(call.receivedAt - call.sentAt)
          : undefined,
      batch: call.batch,
      providerBatchId: providerBatchId ?? undefined,
      failures: call.failures,
      error: call.status === "failed" ? (failure ?? undefined) : undefined,
      sentAt: call.sentAt,
      receivedAt: call.receivedAt,
    };
  }

  #costOf(call: CallRow, cachedInput: number | undefined, batch: boolean): number | undefined {
    if (call.model === undefined || call.inputTokens === undefined) return undefined;
    return costOf(
      call.model,
      { input: call.inputTokens, output: call.outputTokens, cachedInput },
      { batch, overrides: this.#prices },
    );
  }
}

function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // An answer that is not JSON has no value: its text is in the row as it came.
    return undefined;
  }
}
