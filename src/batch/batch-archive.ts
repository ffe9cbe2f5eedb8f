/**
 * Every batch's input and output JSONL, kept in the workspace (`batches/`).
 * Request bodies and result lines hold no credentials: keys travel in headers.
 */
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
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

  constructor(path: string) {
    this.path = path;
    this.#fd = openSync(path, "w");
  }

  add(line: string): void {
    const bytes = Buffer.byteLength(line) + 1;
    if (this.#used + bytes > bufferBytes) this.#flush();
    if (bytes > bufferBytes) {
      const whole = Buffer.from(`${line}\n`);
      for (let written = 0; written < whole.length; ) written += writeSync(this.#fd!, whole, written);
      return;
    }
    this.#used += this.#buffer.write(line, this.#used);
    this.#buffer[this.#used++] = 0x0a;
  }

  append(lines: readonly string[]): void {
    for (const line of lines) this.add(line);
  }

  /** Write what is buffered and close the file; it can be read from then on. */
  close(): void {
    if (this.#fd === undefined) return;
    this.#flush();
    closeSync(this.#fd);
    this.#fd = undefined;
  }

  #flush(): void {
    for (let written = 0; written < this.#used; ) {
      written += writeSync(this.#fd!, this.#buffer, written, this.#used - written);
    }
    this.#used = 0;
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
