/**
 * One call whole (`WorkspaceReader.call`), in SQL any SQL store runs: its
 * request as hashed with the documents it refers to, every answer received,
 * every failed attempt and every batch it went in; each reader runs the
 * statements through its own driver, in one snapshot.
 */
import { withDocuments } from "../../export/prompt-text.js";
import { decompressRaw } from "../raw-response-codec.js";
import type { AttemptFailure, BatchRow, CallDetail, CallRow, ReceivedAnswer } from "../workspace-reader.js";
import { decodeResult } from "./sql-answers.js";

/** A call's identity by its row id. */
export const callKeySql = "SELECT agent, hash, occurrence FROM calls WHERE id = ?";

/** The request as hashed: stored with the answer, or with the batch call before one came (binds the identity twice). */
export const canonicalSql = `SELECT coalesce(
  (SELECT canonical FROM calls WHERE agent = ? AND hash = ? AND occurrence = ?),
  (SELECT canonical FROM batch_calls WHERE agent = ? AND hash = ? AND occurrence = ? ORDER BY batch_id DESC LIMIT 1))`;

export const documentSql = "SELECT content FROM documents WHERE hash = ?";

/** Every answer received for the call of a row id, oldest first. */
export const answersSql = `SELECT r.session, r.created_at, r.via_batch, CASE WHEN r.id = c.response_id THEN 1 ELSE 0 END,
    r.text, r.result, r.raw, r.vector
  FROM responses r JOIN calls c ON c.id = r.call_id WHERE r.call_id = ? ORDER BY r.id`;

export type AnswerValues = [number, number, number, number, string, string, Uint8Array | null, Uint8Array | null];

export function toReceivedAnswer([
  session,
  receivedAt,
  viaBatch,
  inUse,
  text,
  result,
  raw,
  vector,
]: AnswerValues): ReceivedAnswer {
  return {
    session,
    receivedAt,
    viaBatch: viaBatch === 1,
    inUse: inUse === 1,
    result: decodeResult(result, text, vector),
    raw: raw === null ? undefined : JSON.parse(decompressRaw(raw)),
  };
}

/** Every failed attempt of an identity, oldest first. */
export const attemptsSql = `SELECT session, provider, model, attempt, kind, status_code, message, request_id, created_at, via_batch
  FROM failures WHERE agent = ? AND hash = ? AND occurrence = ? ORDER BY id`;

export type AttemptValues = [
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
];

export function toAttempt([
  session,
  provider,
  model,
  attempt,
  kind,
  statusCode,
  message,
  requestId,
  at,
  viaBatch,
]: AttemptValues): AttemptFailure {
  return {
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
  };
}

/** The batches an identity went in, oldest first. */
export const batchIdsSql =
  "SELECT batch_id FROM batch_calls WHERE agent = ? AND hash = ? AND occurrence = ? ORDER BY batch_id";

/** The detail of `row` from what was read of it. */
export function callDetailOf(
  row: CallRow,
  canonical: string | undefined,
  documents: Record<string, string>,
  answers: ReceivedAnswer[],
  attempts: AttemptFailure[],
  batches: BatchRow[],
): Omit<CallDetail, "cost"> {
  const inUse = answers.find((answer) => answer.inUse);
  return {
    ...row,
    canonical,
    request: canonical === undefined ? undefined : withDocuments(JSON.parse(canonical), (hash) => documents[hash]),
    documents,
    answer: inUse?.result,
    raw: inUse?.raw,
    answers,
    attempts,
    batches,
  };
}
