/**
 * Every batch's input and output JSONL, kept in the workspace (`batches/`).
 * Request bodies and result lines hold no credentials: keys travel in headers.
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export class BatchArchive {
  readonly directory: string;

  constructor(workspace: string) {
    this.directory = join(workspace, "batches");
  }

  writeInput(tag: string, lines: readonly string[]): string {
    return this.#write(`${tag}.input.jsonl`, lines);
  }

  writeOutput(tag: string, lines: readonly string[]): string {
    return this.#write(`${tag}.output.jsonl`, lines);
  }

  #write(name: string, lines: readonly string[]): string {
    mkdirSync(this.directory, { recursive: true });
    const path = join(this.directory, name);
    writeFileSync(path, "");
    // In chunks: a 200 MB batch should not need a second 200 MB string.
    for (let start = 0; start < lines.length; start += 10_000) {
      appendFileSync(path, `${lines.slice(start, start + 10_000).join("\n")}\n`);
    }
    return path;
  }
}
