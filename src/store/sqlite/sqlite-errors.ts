/** SQLite's error codes, as messages a user can act on. */
import { StoreError } from "../../core/errors.js";

/** Turn a SQLite error at the store at `path` into a `StoreError` that says what to do. */
export function storeError(error: unknown, path: string): StoreError {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: string }).code ?? "";
  if (code === "SQLITE_FULL") {
    return new StoreError(`The disk holding ${path} is full; free space and rerun — nothing committed was lost.`, {
      cause: error,
    });
  }
  if (code === "SQLITE_READONLY" || code.startsWith("SQLITE_READONLY") || code === "SQLITE_CANTOPEN") {
    return new StoreError(`The store at ${path} is read-only or cannot be opened for writing; check its permissions.`, {
      cause: error,
    });
  }
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
    return new StoreError(`${path} is not a usable parallellm store (${code}); it was left untouched.`, {
      cause: error,
    });
  }
  return new StoreError(`The store at ${path} failed: ${(error as Error).message}`, { cause: error });
}
