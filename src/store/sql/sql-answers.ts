/** Answers in SQL: storing them (with their requests and documents), reading them back, and their usage. */
import type { LLMResult } from "../../core/llm.js";
import { decodeVector, encodeVector } from "../../core/vector-bytes.js";
import { compressRaw, decompressRaw } from "../raw-response-codec.js";
import type { AnsweredCall, CallKey, ResponseRecord, StoredAnswer, UsageRow } from "../store.js";
import type { SqlConnection, SqlValue } from "./sql-connection.js";

/** Store each document once, by its content hash. */
export async function insertDocuments(connection: SqlConnection, documents: ReadonlyMap<string, string>) {
  for (const [hash, content] of documents) {
    await connection.run("INSERT INTO documents (hash, size, content) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", [
      hash,
      content.length,
      content,
    ]);
  }
}

/** Store `records` on `connection` (inside a transaction); resolves to their call ids. */
export async function insertResponses(connection: SqlConnection, records: readonly ResponseRecord[]) {
  const callIds: number[] = [];
  for (const record of records) callIds.push(await insertResponse(connection, record));
  return callIds;
}

async function insertResponse(connection: SqlConnection, record: ResponseRecord): Promise<number> {
  await insertDocuments(connection, record.documents);
  const [callId, currentResponse] = (await connection.get(
    `INSERT INTO calls (agent, hash, occurrence, seq, session, status, provider, model, sent_at, received_at,
       canonical)
     VALUES (?, ?, ?, ?, ?, 'done', ?, ?, ?, ?,
       -- A batch answer's canonical request was recorded with its batch call.
       coalesce(?, (SELECT canonical FROM batch_calls WHERE agent = ? AND hash = ? AND occurrence = ? LIMIT 1)))
     ON CONFLICT (agent, hash, occurrence) DO UPDATE SET status = 'done',
       seq = excluded.seq, session = excluded.session, provider = excluded.provider, model = excluded.model,
       sent_at = excluded.sent_at, received_at = excluded.received_at,
       canonical = coalesce(excluded.canonical, calls.canonical)
     RETURNING id, response_id`,
    [
      record.agent,
      record.hash,
      record.occurrence,
      record.seq,
      record.session,
      record.provider,
      record.model,
      record.sentAt,
      record.receivedAt,
      record.canonical ?? null,
      record.agent,
      record.hash,
      record.occurrence,
    ],
  )) as [number, number | null];
  const [responseId] = (await connection.get(
    `INSERT INTO responses (call_id, session, created_at, ${responseColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     RETURNING id`,
    [callId, record.session, record.receivedAt, ...responseValues(record)],
  )) as [number];
  if (record.mode === "replace" || currentResponse === null) {
    await connection.run("UPDATE calls SET response_id = ? WHERE id = ?", [responseId, callId]);
  }
  return callId;
}

/** The columns of `responses` that `responseValues` gives, in its order. */
export const responseColumns = "text, result, input_tokens, output_tokens, cached_tokens, via_batch, raw, vector";

/**
 * How an answer is stored: its text, its result as JSON without the text (nor the vector), its tokens,
 * batch or not, its raw response deflated, an embedding's vector as binary.
 */
export function responseValues(record: ResponseRecord): SqlValue[] {
  const { usage, embedding } = record.result;
  return [
    record.result.text,
    JSON.stringify({ ...record.result, text: undefined, embedding: undefined }),
    usage.inputTokens ?? null,
    usage.outputTokens ?? null,
    usage.cachedInputTokens ?? null,
    record.viaBatch ? 1 : 0,
    record.raw === undefined ? null : compressRaw(record.raw),
    embedding === undefined ? null : encodeVector(embedding),
  ];
}

/** The raw response of every answer of `key`, oldest first (see `Store.rawAnswers`). */
export async function rawAnswers(connection: SqlConnection, key: CallKey): Promise<(string | undefined)[]> {
  const rows = await connection.all(
    `SELECT r.raw FROM calls c JOIN responses r ON r.call_id = c.id
     WHERE c.agent = ? AND c.hash = ? AND c.occurrence = ? ORDER BY r.id`,
    [key.agent, key.hash, key.occurrence],
  );
  return (rows as [Uint8Array | null][]).map(([raw]) => (raw === null ? undefined : decompressRaw(raw)));
}

export async function lookup(connection: SqlConnection, key: CallKey): Promise<StoredAnswer | undefined> {
  const row = await connection.get(
    `SELECT c.id, r.session, r.text, r.result, r.input_tokens, r.output_tokens, r.via_batch, r.vector
     FROM calls c JOIN responses r ON r.id = c.response_id
     WHERE c.agent = ? AND c.hash = ? AND c.occurrence = ?`,
    [key.agent, key.hash, key.occurrence],
  );
  if (!row) return undefined;
  const [callId, session, text, result, inputTokens, outputTokens, viaBatch, vector] = row as [
    number,
    number,
    string,
    string,
    number | null,
    number | null,
    number,
    Uint8Array | null,
  ];
  return {
    callId,
    session,
    text,
    result: decodeResult(result, text, vector),
    inputTokens: inputTokens ?? undefined,
    outputTokens: outputTokens ?? 0,
    viaBatch: viaBatch === 1,
  };
}

/** A stored result: its JSON (without the text), its text, and an embedding's stored vector. */
export function decodeResult(json: string, text: string, vector?: Uint8Array | null): LLMResult {
  const result: LLMResult = { ...(JSON.parse(json) as Omit<LLMResult, "text">), text };
  return vector ? { ...result, embedding: decodeVector(vector) } : result;
}

export async function discardAnswers(connection: SqlConnection, keys: readonly CallKey[]): Promise<number> {
  return connection.transaction(async (transaction) => {
    let discarded = 0;
    for (const key of keys) {
      discarded += await transaction.run(
        `UPDATE calls SET response_id = NULL
         WHERE agent = ? AND hash = ? AND occurrence = ? AND response_id IS NOT NULL`,
        [key.agent, key.hash, key.occurrence],
      );
    }
    return discarded;
  });
}

export async function answeredCalls(connection: SqlConnection): Promise<readonly AnsweredCall[]> {
  const rows = await connection.all(
    "SELECT c.id, r.session, c.agent FROM calls c JOIN responses r ON r.id = c.response_id ORDER BY c.id",
  );
  return (rows as [number, number, string][]).map(([callId, session, agent]) => ({ callId, session, agent }));
}

export async function hasAnswers(connection: SqlConnection): Promise<boolean> {
  return (await connection.get("SELECT 1 FROM responses LIMIT 1")) !== undefined;
}

export async function answeredCount(connection: SqlConnection, session: number) {
  const row = await connection.get(
    `SELECT count(*), count(CASE WHEN r.session < ? THEN 1 END)
     FROM calls c JOIN responses r ON r.id = c.response_id`,
    [session],
  );
  const [total, earlier] = row as [number, number];
  return { total, earlier };
}

export async function usage(connection: SqlConnection, session?: number): Promise<readonly UsageRow[]> {
  const query = usageQuery(session);
  return toUsageRows(await connection.all(query.sql, query.params));
}

/**
 * Tokens of stored answers by model, agent, session and batch; one session's by model
 * and batch only (and every session's, with `byAgent` false). The store and the read-only reader both run it.
 */
export function usageQuery(
  session?: number,
  byAgent = session === undefined,
): { readonly sql: string; readonly params: readonly SqlValue[] } {
  return {
    sql: `${usageSql(session === undefined ? undefined : "r.session = ?", byAgent)} ORDER BY 1, 2, 3, 4`,
    params: session === undefined ? [] : [session],
  };
}

/**
 * The tokens of the answers `where` keeps (a condition on `r`, the responses, and `c`,
 * their calls) by model, session and batch, and with `byAgent` by agent too: the columns
 * model, agent, session, via_batch, answers, input_tokens, output_tokens, cached_tokens,
 * uncounted (answers stored without an input token count, left out of the sums).
 */
export function usageSql(where: string | undefined, byAgent = false): string {
  return `SELECT c.model AS model, ${byAgent ? "c.agent" : "NULL"} AS agent, r.session AS session,
       r.via_batch AS via_batch, count(*) AS answers, coalesce(sum(r.input_tokens), 0) AS input_tokens,
       coalesce(sum(r.output_tokens), 0) AS output_tokens, coalesce(sum(r.cached_tokens), 0) AS cached_tokens,
       count(*) - count(r.input_tokens) AS uncounted
     FROM responses r JOIN calls c ON c.id = r.call_id
     ${where === undefined ? "" : `WHERE ${where}`}
     GROUP BY c.model, ${byAgent ? "c.agent, " : ""}r.session, r.via_batch`;
}

/** The rows of `usageQuery`, read as arrays. */
export function toUsageRows(rows: readonly unknown[]): UsageRow[] {
  type Row = [string, string | null, number, number, number, number, number, number, number];
  return (rows as Row[]).map(
    ([model, agent, session, viaBatch, answers, inputTokens, outputTokens, cachedInputTokens, uncounted]) => ({
      model,
      agent: agent ?? undefined,
      session,
      viaBatch: viaBatch === 1,
      answers,
      inputTokens,
      outputTokens,
      cachedInputTokens,
      uncounted,
    }),
  );
}
