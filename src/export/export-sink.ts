/**
 * Where an export's bytes go: a writable stream (a file, stdout), written with
 * backpressure (a write that fills the stream's buffer waits for it to drain),
 * with the bytes counted. A failed write is reported, never lost: by the next
 * write, or by `settled` once the last write is done.
 */
import { once } from "node:events";
import type { Writable } from "node:stream";

export class ExportSink {
  readonly #stream: Writable;
  #bytes = 0;
  #error: Error | undefined;
  #lastWrite: Promise<void> = Promise.resolve();

  constructor(stream: Writable) {
    this.#stream = stream;
    // Kept for the next write to throw (unheard, a stream's error would end the process).
    stream.on("error", (error) => {
      this.#error ??= error;
    });
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Writes `chunk`; resolves once the stream can take more. */
  async write(chunk: string | Uint8Array): Promise<void> {
    if (this.#error) throw this.#error;
    this.#bytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength;
    let accepted = true;
    this.#lastWrite = new Promise((resolve) => {
      accepted = this.#stream.write(chunk, (error) => {
        if (error) this.#error ??= error;
        resolve();
      });
    });
    if (accepted) return;
    // A stream that fails while full emits "error", not "drain": either ends the wait.
    await once(this.#stream, "drain");
  }

  /** Resolves once every write is done; rejects if one failed. */
  async settled(): Promise<void> {
    await this.#lastWrite;
    if (this.#error) throw this.#error;
  }
}
