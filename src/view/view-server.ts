/**
 * `startViewServer`: serves the viewer (`viewApp`) over a `WorkspaceReader` on
 * a local port. It never closes the reader: whoever opened it does.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { InputError } from "../core/errors.js";
import type { WorkspaceReader } from "../store/workspace-reader.js";
import { viewApp } from "./view-app.js";
import { loadViewAssets } from "./view-assets.js";
import { WorkspaceChanges } from "./view-changes.js";

export interface ViewServerOptions {
  readonly reader: WorkspaceReader;
  /** The address to listen on. Anything but a loopback address serves the workspace to the network. @default "127.0.0.1" */
  readonly host?: string | undefined;
  /** 0 picks a free port. @default 0 */
  readonly port?: number | undefined;
  /** Milliseconds between two checks for changes of the workspace while a page listens. @default 1000 */
  readonly pollInterval?: number | undefined;
}

export interface ViewServer extends AsyncDisposable {
  /** Where the page is, e.g. `http://127.0.0.1:7556/`. */
  readonly url: string;
  /** Ends the open event streams and stops serving (the reader stays open). */
  close(): Promise<void>;
}

/** Starts serving the viewer; resolves once it listens. */
export async function startViewServer(options: ViewServerOptions): Promise<ViewServer> {
  const host = options.host ?? "127.0.0.1";
  const changes = new WorkspaceChanges(options.reader, options.pollInterval ?? 1000);
  let port = 0;
  const app = viewApp({
    reader: options.reader,
    assets: await loadViewAssets(),
    changes,
    hostAllowed: (header) => !isLoopback(host) || loopbackHosts(host, port).includes(header.toLowerCase()),
  });
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") {
        reject(
          new InputError(`Port ${options.port} on ${host} is in use; pick another with --port (0 picks a free one).`),
        );
      } else reject(error);
    });
    server.listen(options.port ?? 0, host, resolve);
  });
  port = (server.address() as AddressInfo).port;
  const close = async () => {
    changes.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Open event streams and idle keep-alive connections would hold the server open.
      server.closeAllConnections();
    });
  };
  return { url: `http://${host.includes(":") ? `[${host}]` : host}:${port}/`, close, [Symbol.asyncDispose]: close };
}

/** Whether `host` is reachable from this machine only. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

// --- internal ---

function loopbackHosts(host: string, port: number): string[] {
  return [host, "127.0.0.1", "localhost", "[::1]"].map((name) => `${name === "::1" ? "[::1]" : name}:${port}`);
}
