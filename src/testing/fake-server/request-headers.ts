/**
 * Reading credentials from request headers, and redacting them for the log.
 */
import type { IncomingHttpHeaders } from "node:http";

const secretHeaders = new Set(["authorization", "x-api-key", "x-goog-api-key", "api-key"]);

/** One header's value (the first, when repeated). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The token of `Authorization: Bearer <token>`; `undefined` when absent or empty. */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const match = /^Bearer\s+(\S+)/i.exec(headerValue(headers, "authorization") ?? "");
  return match?.[1];
}

/** Shows a key the way providers do in error messages: its ends only. */
export function maskKey(key: string): string {
  return key.length > 12 ? `${key.slice(0, 4)}${"*".repeat(key.length - 8)}${key.slice(-4)}` : "***";
}

/** Headers as plain strings, with API key values replaced by `[redacted]`. */
export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const redacted: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : value;
    if (!secretHeaders.has(name)) redacted[name] = text;
    else redacted[name] = /^Bearer\s/i.test(text) ? "Bearer [redacted]" : "[redacted]";
  }
  return redacted;
}

/** Path and query string, with a `key` query parameter redacted. */
export function redactPath(url: URL): string {
  if (!url.searchParams.has("key")) return url.pathname + url.search;
  const copy = new URL(url);
  copy.searchParams.set("key", "[redacted]");
  return copy.pathname + copy.search;
}
