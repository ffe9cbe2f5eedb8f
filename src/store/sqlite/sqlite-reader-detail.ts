/**
 * One call whole, read in one read transaction (one snapshot, however busy
 * the writer): its request with documents put back, every answer received,
 * every failed attempt and every batch it went in.
 */
import type Database from "better-sqlite3";
import { documentReferences } from "../../core/canonical.js";
import type { LLMResult } from "../../core/llm.js";
import { withDocuments } from "../../export/prompt-text.js";
import { decompressRaw } from "../raw-response-codec.js";
import type { CallKey } from "../store.js";
import type { AttemptFailure, BatchRow, CallDetail, CallRow, ReceivedAnswer } from "../workspace-reader.js";
import type { CallRows } from "./sqlite-reader-calls.js";

/** Reads a call's detail; `batchesOf` reads batch rows by id (with counts). */
export function readCallDetail(
  db: Database.Database,
  rows: CallRows,
  id: number | CallKey,
  batchesOf: (ids: readonly number[]) => BatchRow[],
): Omit<CallDetail, "cost"> | undefined {
  return db.transaction(() => {
    const key = typeof id === "number" ? rows.keyOf(id) : id;
    const row = key && rows.one(key);
    if (!row) return undefined;
    const canonical = canonicalOf(db, row);
    const documents = canonical === undefined ? {} : documentsOf(db, canonical);
    const answers = answersOf(db, row);
    const inUse = answers.find((answer) => answer.inUse);
    const batchIds = db
      .prepare("SELECT batch_id FROM batch_calls WHERE agent = ? AND hash = ? AND occurrence = ? ORDER BY batch_id")
      .pluck(true)
      .all(row.agent, row.hash, row.occurrence) as number[];
    return {
      ...row,
      canonical,
      request: canonical === undefined ? undefined : withDocuments(JSON.parse(canonical), (hash) => documents[hash]),
      documents,
      answer: inUse?.result,
      raw: inUse?.raw,
      answers,
      attempts: attemptsOf(db, row),
      batches: batchesOf(batchIds),
    };
  })();
}

/** The request as hashed: stored with the answer, or with the batch call before one came. */
function canonicalOf(db: Database.Database, key: CallKey): string | undefined {
  const canonical = db
    .prepare(
      `SELECT coalesce(
         (SELECT canonical FROM calls WHERE agent = ? AND hash = ? AND occurrence = ?),
         (SELECT canonical FROM batch_calls WHERE agent = ? AND hash = ? AND occurrence = ? ORDER BY batch_id DESC LIMIT 1))`,
    )
    .pluck(true)
    .get(key.agent, key.hash, key.occurrence, key.agent, key.hash, key.occurrence) as string | null;
  return canonical ?? undefined;
}

function documentsOf(db: Database.Database, canonical: string): Record<string, string> {
  const documents: Record<string, string> = {};
  const read = db.prepare("SELECT content FROM documents WHERE hash = ?").pluck(true);
  for (const hash of documentReferences(canonical)) {
    const content = read.get(hash) as string | undefined;
    if (content !== undefined) documents[hash] = content;
  }
  return documents;
}

function answersOf(db: Database.Database, row: CallRow): ReceivedAnswer[] {
  if (row.id === undefined) return [];
  const answers = db
    .prepare(
      `SELECT r.session, r.created_at, r.via_batch, r.id = c.response_id, r.text, r.result, r.raw
       FROM responses r JOIN calls c ON c.id = r.call_id WHERE r.call_id = ? ORDER BY r.id`,
    )
    .raw(true)
    .all(row.id) as [number, number, number, number | null, string, string, Buffer | null][];
  return answers.map(([session, receivedAt, viaBatch, inUse, text, result, raw]) => ({
    session,
    receivedAt,
    viaBatch: viaBatch === 1,
    inUse: inUse === 1,
    result: { ...(JSON.parse(result) as Omit<LLMResult, "text">), text },
    raw: raw === null ? undefined : JSON.parse(decompressRaw(raw)),
  }));
}

function attemptsOf(db: Database.Database, key: CallKey): AttemptFailure[] {
  const failures = db
    .prepare(
      `SELECT session, provider, model, attempt, kind, status_code, message, request_id, created_at, via_batch
       FROM failures WHERE agent = ? AND hash = ? AND occurrence = ? ORDER BY id`,
    )
    .raw(true)
    .all(key.agent, key.hash, key.occurrence) as [
    number,
    string,
    string,
    number,
    string,
    number | null,
    string,
    string | null,
    number,
    number,
  ][];
  return failures.map(([session, provider, model, attempt, kind, statusCode, message, requestId, at, viaBatch]) => ({
    session,
    provider,
    model,
    attempt,
    kind,
    statusCode: statusCode ?? undefined,
    message,
    requestId: requestId ?? undefined,
    at,
    viaBatch: viaBatch === 1,
  }));
}
