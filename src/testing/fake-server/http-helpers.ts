/**
 * HTTP plumbing of the fake provider server: reading bodies, matching routes,
 * writing responses.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Route, WireResponse } from "./provider-routes.js";

/** The whole request body. */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The parsed JSON body; an empty or non-JSON (e.g. multipart) body parses to `undefined`. */
export function parseJsonBody(
  rawBody: Buffer,
  contentType: string | undefined,
): { readonly ok: true; readonly value: unknown } | { readonly ok: false } {
  if (rawBody.length === 0) return { ok: true, value: undefined };
  // Multipart uploads and other non-JSON bodies are left to their routes (rawBody).
  if (contentType !== undefined && !contentType.includes("json")) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(rawBody.toString("utf8")) };
  } catch {
    return { ok: false };
  }
}

/** The first route with this method whose pattern matches the path, with its named groups. */
export function findRoute(
  routes: readonly Route[],
  method: string,
  path: string,
): { readonly route: Route; readonly params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match) return { route, params: { ...match.groups } };
  }
  return undefined;
}

/** Resolves after `milliseconds` (at once for 0, negative or NaN). */
export function sleep(milliseconds: number): Promise<void> {
  if (!(milliseconds > 0)) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** Writes a JSON response (a `Buffer` body as is, e.g. JSONL), unless one was already sent. */
export function writeWireResponse(response: ServerResponse, wire: WireResponse): void {
  if (response.headersSent) return;
  if (Buffer.isBuffer(wire.body)) {
    response.writeHead(wire.status, { "content-type": "application/octet-stream", ...wire.headers });
    response.end(wire.body);
    return;
  }
  response.writeHead(wire.status, { "content-type": "application/json", ...wire.headers });
  response.end(JSON.stringify(wire.body));
}
