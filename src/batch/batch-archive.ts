/**
 * Every batch's input and output JSONL, kept in the workspace (`batches/`).
 * Request bodies and result lines hold no credentials: keys travel in headers.
 */
import { closeSync, mkdirSync, openSync, readSync, writeSync } from "node:fs";
import { join } from "node:path";

/**
 * Lines are copied into one reused 64 KB buffer and written from it: archiving
 * 200 MB of lines allocates no 200 MB string, nor any string at all.
 */
const bufferBytes = 64 * 1024;

/** One archived JSONL file, written as its lines come. */
export class ArchiveFile {
  readonly path: string;
  #fd: number | undefined;
  readonly #buffer = Buffer.allocUnsafe(bufferBytes);
  #used = 0;
  /** Bytes in the file, buffered ones included: where the next line starts. */
  #size = 0;

  constructor(path: string) {
    this.path = path;
    this.#fd = openSync(path, "w+");
  }

  /**
   * Adds a line; returns the byte offset it starts at, for `lineAt`. `bytes`:
   * its UTF-8 length with the newline, when the caller measured it already.
   */
  add(line: string, bytes = Buffer.byteLength(line) + 1): number {
    const offset = this.#size;
    this.#size += bytes;
    if (this.#used + bytes > bufferBytes) this.#flush();
    if (bytes > bufferBytes) {
      this.#writeAll(Buffer.from(`${line}\n`), bytes);
      return offset;
    }
    this.#used += this.#buffer.write(line, this.#used);
    this.#buffer[this.#used++] = 0x0a;
    return offset;
  }

  /** The line added at `offset`, read back from the file (rarely needed: no copy is kept in memory). */
  lineAt(offset: number): string {
    this.#flush();
    const pieces: Buffer[] = [];
    for (let at = offset; ; ) {
      const piece = Buffer.allocUnsafe(bufferBytes);
      const read = readSync(this.#fd!, piece, 0, bufferBytes, at);
      const end = piece.subarray(0, read).indexOf(0x0a);
      pieces.push(piece.subarray(0, end === -1 ? read : end));
      if (end !== -1 || read === 0) return Buffer.concat(pieces).toString("utf8");
      at += read;
    }
  }

  /** Write what is buffered and close the file; it can be read from then on. */
  close(): void {
    if (this.#fd === undefined) return;
    this.#flush();
    closeSync(this.#fd);
    this.#fd = undefined;
  }

  #flush(): void {
    this.#writeAll(this.#buffer, this.#used);
    this.#used = 0;
  }

  #writeAll(bytes: Buffer, length: number): void {
    for (let written = 0; written < length; ) written += writeSync(this.#fd!, bytes, written, length - written);
  }
}

export class BatchArchive {
  readonly directory: string;

  constructor(workspace: string) {
    this.directory = join(workspace, "batches");
  }

  /** The input file of a batch; `close()` it before it is read. */
  createInput(tag: string): ArchiveFile {
    return this.#create(`${tag}.input.jsonl`);
  }

  /** The output file of a batch; `close()` it at the end. */
  createOutput(tag: string): ArchiveFile {
    return this.#create(`${tag}.output.jsonl`);
  }

  #create(name: string): ArchiveFile {
    mkdirSync(this.directory, { recursive: true });
    return new ArchiveFile(join(this.directory, name));
  }
}
