/**
 * A loopback HTTP server for adapter tests that need planned answers (an
 * error body, a recorded payload) and a record of what the SDK sent.
 * Servers close after each test.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";

export interface StubReply {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body: unknown;
  /** Answer this late (a client timeout, an abort while waiting). */
  readonly delayMs?: number;
}

export interface StubReceived {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
}

const servers: Server[] = [];

/** Close every stub server now (a test of refused connections), as happens after each test. */
export async function closeStubServers(): Promise<void> {
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
}

afterEach(closeStubServers);

/**
 * A server on 127.0.0.1 answering its requests with `replies` in order (the
 * last one to every request after it), recording what it received.
 */
export async function startStubServer(
  ...replies: [StubReply, ...StubReply[]]
): Promise<{ url: string; received: StubReceived[] }> {
  const received: StubReceived[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      received.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: text && JSON.parse(text),
      });
      const reply = replies[Math.min(received.length - 1, replies.length - 1)];
      const send = () => {
        response.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
        response.end(JSON.stringify(reply.body));
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}
