/** Reading server-sent events (`pllm view`'s `/api/events`) in tests, one event at a time. */

export interface ServerEvent {
  readonly event: string;
  readonly data: string;
}

export interface EventStream {
  /** The next event; waits for it. */
  next(): Promise<ServerEvent>;
  cancel(): Promise<void>;
}

/** Opens the event stream at `url`. */
export async function openEvents(url: URL): Promise<EventStream> {
  const response = await fetch(url, { headers: { accept: "text/event-stream" } });
  if (response.status !== 200 || response.body === null) throw new Error(`GET ${url} answered ${response.status}`);
  if (!response.headers.get("content-type")?.startsWith("text/event-stream")) {
    throw new Error(`GET ${url} answered ${response.headers.get("content-type")}, not an event stream`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  return {
    async next() {
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const field = (name: string) =>
            block
              .split("\n")
              .filter((line) => line.startsWith(`${name}:`))
              .map((line) => line.slice(name.length + 1).replace(/^ /, ""))
              .join("\n");
          if (block.split("\n").some((line) => line.startsWith("data:"))) {
            return { event: field("event") || "message", data: field("data") };
          }
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error(`The event stream at ${url} ended`);
        buffer += value;
      }
    },
    cancel: () => reader.cancel(),
  };
}
