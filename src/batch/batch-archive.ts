/**
 * Every batch's input and output JSONL, kept in the workspace (`batches/`).
 * Request bodies and result lines hold no credentials: keys travel in headers.
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Lines written at once: a 200 MB batch should not need a second 200 MB string. */
const linesPerWrite = 10_000;

export class BatchArchive {
  readonly directory: string;

  constructor(workspace: string) {
    this.directory = join(workspace, "batches");
  }

  writeInput(tag: string, lines: readonly string[]): string {
    const file = this.#create(`${tag}.input.jsonl`);
    for (let start = 0; start < lines.length; start += linesPerWrite) {
      file.append(lines.slice(start, start + linesPerWrite));
    }
    return file.path;
  }

  /** The output file of a batch, written a chunk at a time as its results arrive. */
  createOutput(tag: string): { readonly path: string; append(lines: readonly string[]): void } {
    return this.#create(`${tag}.output.jsonl`);
  }

  #create(name: string): { readonly path: string; append(lines: readonly string[]): void } {
    mkdirSync(this.directory, { recursive: true });
    const path = join(this.directory, name);
    writeFileSync(path, "");
    return {
      path,
      append: (lines) => {
        if (lines.length > 0) appendFileSync(path, `${lines.join("\n")}\n`);
      },
    };
  }
}
