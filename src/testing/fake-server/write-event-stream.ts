/**
 * Writes a streamed answer as server-sent events (`text/event-stream`), one
 * write per event as a provider sends them; with a cut, the connection is
 * destroyed after that many events, as a network fault mid-answer does, or the
 * response ends there.
 */
import type { ServerResponse } from "node:http";
import type { StreamCutDecision } from "./fault-plan.js";
import type { WireEvent, WireResponse } from "./provider-routes.js";

/** Writes `wire.events`, up to `cut` when one was decided. */
export async function writeEventStream(
  response: ServerResponse,
  wire: WireResponse & { readonly events: readonly WireEvent[] },
  cut: StreamCutDecision | undefined,
): Promise<void> {
  response.writeHead(wire.status, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    ...wire.headers,
  });
  for (const [index, event] of wire.events.entries()) {
    if (index === cut?.afterEvents) {
      if (cut.ends) response.end();
      else response.socket?.destroy();
      return;
    }
    await _write(response, _eventText(event));
  }
  response.end();
}

// --- internal ---

function _eventText(event: WireEvent): string {
  const data = typeof event.data === "string" ? event.data : JSON.stringify(event.data);
  return `${event.event === undefined ? "" : `event: ${event.event}\n`}data: ${data}\n\n`;
}

/** One event on the wire, flushed before the next is written (so a cut loses only what follows). */
function _write(response: ServerResponse, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    response.write(text, (error) => (error ? reject(error) : setImmediate(resolve)));
  });
}
