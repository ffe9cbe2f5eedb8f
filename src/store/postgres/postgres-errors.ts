/** PostgreSQL's and the driver's errors, as messages a user can act on; never with the password. */
import { StoreError } from "../../core/errors.js";

export function postgresError(error: unknown, location: string): StoreError {
  if (error instanceof StoreError) return error;
  const { code = "", message = String(error) } = error as { code?: string; message?: string };
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "ETIMEDOUT" || code === "57P03") {
    return new StoreError(
      `Cannot reach the PostgreSQL store at ${location} (${code}); check that the server runs and the URL is right.`,
      { cause: error },
    );
  }
  if (code === "28P01" || code === "28000") {
    return new StoreError(`PostgreSQL refused the login to ${location}; check the user and password in the URL.`, {
      cause: error,
    });
  }
  if (code === "3D000") {
    return new StoreError(`The database of ${location} does not exist; create it (createdb) or fix the URL.`, {
      cause: error,
    });
  }
  if (code === "53100") {
    return new StoreError(`The disk of the PostgreSQL store at ${location} is full; free space and rerun.`, {
      cause: error,
    });
  }
  return new StoreError(`The PostgreSQL store at ${location} failed: ${message}`, { cause: error });
}

/** A connection string without its password, for messages and `Store.location`. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "the PostgreSQL store (an unparsable URL)";
  }
}
