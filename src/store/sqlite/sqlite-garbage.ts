/**
 * What `pllm gc` removes from a SQLite store: documents no request refers to.
 * Every other row is kept: answers replaced or kept for audit, failures (retried
 * or not), every batch and its calls, conversations and userdata are history a
 * command or a rerun reads.
 */
import type Database from "better-sqlite3";
import { documentReferences } from "../../core/canonical.js";

/** Stored documents nothing refers to. */
export interface UnusedDocuments {
  readonly hashes: readonly string[];
  /** Their contents' size in bytes (UTF-8). */
  readonly bytes: number;
}

/**
 * Documents that neither a call's nor a batch call's canonical request refers to
 * (`{ "$doc": hash }`): read in one pass over the requests, holding only hashes,
 * in one read transaction (a dry run reads while a pipeline may write).
 */
export function unusedDocuments(db: Database.Database): UnusedDocuments {
  return db.transaction(() => _unusedDocuments(db))();
}

/**
 * Deletes the documents `hashes`, then, when that left free pages in the file
 * and the caller holds the workspace lock (no pipeline writes), rewrites the
 * file without them (`VACUUM`) and folds the WAL back into it. Returns whether
 * it vacuumed.
 */
export function removeDocuments(db: Database.Database, hashes: readonly string[]): boolean {
  const remove = db.prepare("DELETE FROM documents WHERE hash = ?");
  db.transaction(() => {
    for (const hash of hashes) remove.run(hash);
  })();
  const freePages = Number(db.pragma("freelist_count", { simple: true }));
  if (freePages > 0) db.exec("VACUUM");
  // A reader (pllm status) may keep part of the WAL until it finishes: then the file shrinks at the next checkpoint.
  db.pragma("wal_checkpoint(TRUNCATE)");
  return freePages > 0;
}

/** Every batch's tag and state, for deciding which archived files are still needed. */
export function batchStates(db: Database.Database): ReadonlyMap<string, string> {
  const rows = db.prepare("SELECT tag, state FROM batches").raw().all() as [string, string][];
  return new Map(rows);
}

// --- internal ---

function _unusedDocuments(db: Database.Database): UnusedDocuments {
  const referenced = new Set<string>();
  for (const table of ["calls", "batch_calls"]) {
    const canonicals = db.prepare(`SELECT canonical FROM ${table} WHERE canonical LIKE '%{"$doc":%'`).pluck();
    for (const canonical of canonicals.iterate() as IterableIterator<string>) {
      for (const hash of documentReferences(canonical)) referenced.add(hash);
    }
  }
  // Only the unused documents' contents are read: the others' (overflow pages, mostly) are not touched.
  const allHashes = db.prepare("SELECT hash FROM documents").pluck().all() as string[];
  const hashes = allHashes.filter((hash) => !referenced.has(hash));
  const sizeOf = db.prepare("SELECT length(CAST(content AS BLOB)) FROM documents WHERE hash = ?").pluck();
  const bytes = hashes.reduce((sum, hash) => sum + (sizeOf.get(hash) as number), 0);
  return { hashes, bytes };
}
