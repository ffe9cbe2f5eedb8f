/**
 * One call whole (see `sql-reader-detail.ts`), read in one read transaction
 * (one snapshot, however busy the writer) with better-sqlite3's synchronous API.
 */
import type Database from "better-sqlite3";
import { documentReferences } from "../../core/canonical.js";
import {
  type AnswerValues,
  type AttemptValues,
  answersSql,
  attemptsSql,
  batchIdsSql,
  callDetailOf,
  canonicalSql,
  documentSql,
  toAttempt,
  toReceivedAnswer,
} from "../sql/sql-reader-detail.js";
import type { CallKey } from "../store.js";
import type { BatchRow, CallDetail } from "../workspace-reader.js";
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
    const identity = [row.agent, row.hash, row.occurrence];
    const canonical = (db
      .prepare(canonicalSql)
      .pluck(true)
      .get(...identity, ...identity) ?? undefined) as string | undefined;
    const documents: Record<string, string> = {};
    const read = db.prepare(documentSql).pluck(true);
    for (const hash of canonical === undefined ? [] : documentReferences(canonical)) {
      const content = read.get(hash) as string | undefined;
      if (content !== undefined) documents[hash] = content;
    }
    const answers =
      row.id === undefined
        ? []
        : (db.prepare(answersSql).raw(true).all(row.id) as AnswerValues[]).map(toReceivedAnswer);
    const attempts = (
      db
        .prepare(attemptsSql)
        .raw(true)
        .all(...identity) as AttemptValues[]
    ).map(toAttempt);
    const batchIds = db
      .prepare(batchIdsSql)
      .pluck(true)
      .all(...identity) as number[];
    return callDetailOf(row, canonical, documents, answers, attempts, batchesOf(batchIds));
  })();
}
