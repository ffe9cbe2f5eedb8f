/**
 * The viewer as a Hono app: the JSON API under `/api`, live changes as server-sent
 * events at `/api/events`, the page's files under `/assets`, and the page itself
 * for every other path (it routes on the client). Read-only by construction: only
 * GET and HEAD are answered (anything else is 405), and the reader cannot write.
 * Every answer forbids inline script and sniffing, and a request naming another
 * host than the server's is refused (a web page elsewhere cannot read the
 * workspace through DNS rebinding).
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { InputError } from "../core/errors.js";
import type { WorkspaceReader } from "../store/workspace-reader.js";
import { NotFound, viewApi } from "./view-api.js";
import type { ViewAssets } from "./view-assets.js";
import type { WorkspaceChanges } from "./view-changes.js";

export interface ViewAppOptions {
  readonly reader: WorkspaceReader;
  readonly assets: ViewAssets;
  readonly changes: WorkspaceChanges;
  /** Whether a request's `Host` header names this server. */
  readonly hostAllowed: (host: string) => boolean;
}

/** What the page may load: its own script, style, pictures and API, nothing inline, nothing elsewhere. */
export const contentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const securityHeaders: Readonly<Record<string, string>> = {
  "Content-Security-Policy": contentSecurityPolicy,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
};

/** The viewer's routes over `options.reader`. */
export function viewApp(options: ViewAppOptions): Hono {
  const { reader, assets, changes, hostAllowed } = options;
  const app = new Hono();
  app.use(async (context, next) => {
    if (context.req.method !== "GET" && context.req.method !== "HEAD") {
      context.res = context.text("The viewer is read-only: it answers GET and HEAD only.", 405, { Allow: "GET, HEAD" });
    } else if (!hostAllowed(context.req.header("host") ?? "")) {
      context.res = context.text("This server answers requests for its own address only (the Host header).", 403);
    } else await next();
    for (const [name, value] of Object.entries(securityHeaders)) context.res.headers.set(name, value);
  });
  app.onError((error, context) => {
    if (error instanceof InputError) return context.json({ error: error.message }, 400);
    if (error instanceof NotFound) return context.json({ error: error.message }, 404);
    process.stderr.write(`pllm view: ${context.req.path} failed: ${error.stack ?? error.message}\n`);
    return context.json({ error: `The viewer could not answer: ${error.message}` }, 500);
  });
  app.get("/api/events", (context) =>
    streamSSE(context, async (stream) => {
      const ended = new Promise<void>((resolve) => stream.onAbort(resolve));
      const unsubscribe = changes.subscribe((signature) => void stream.writeSSE({ event: "change", data: signature }));
      try {
        await stream.writeSSE({ event: "change", data: await changes.current() });
        await Promise.race([ended, changes.closed]);
      } finally {
        unsubscribe();
      }
    }),
  );
  app.route("/api", viewApi(reader));
  app.all("/api/*", (context) => context.json({ error: `No API at ${context.req.path}.` }, 404));
  app.get("/assets/:name", (context) => {
    const asset = assets.get(context.req.param("name"));
    if (asset === undefined || context.req.param("name") === "index.html") return context.text("No such file.", 404);
    return context.body(asset.body as Uint8Array<ArrayBuffer>, 200, { "Content-Type": asset.contentType });
  });
  app.get("*", (context) => {
    const page = assets.get("index.html")!;
    return context.body(page.body as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": page.contentType,
      "Cache-Control": "no-cache",
    });
  });
  return app;
}
