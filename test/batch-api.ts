/** For BatchApi adapter tests: an input file to submit, and a results stream gathered. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BatchItemResult, BatchResultChunk } from "../src/providers/provider.js";
import { tempDirectory } from "./helpers.js";

/** `lines` as a JSONL input file, the way the archive writes it, removed after the test; returns its path. */
export function inputFile(lines: readonly string[]): string {
  const path = join(tempDirectory(), "input.jsonl");
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

export async function readBatchResults(results: AsyncIterable<BatchResultChunk>): Promise<{
  items: BatchItemResult[];
  rawLines: string[];
  warnings: string[];
}> {
  const gathered = { items: [] as BatchItemResult[], rawLines: [] as string[], warnings: [] as string[] };
  for await (const chunk of results) {
    gathered.warnings.push(...(chunk.warnings ?? []));
    for (const { raw, outcome } of chunk.lines) {
      gathered.rawLines.push(raw);
      if ("warning" in outcome) gathered.warnings.push(outcome.warning);
      else gathered.items.push(outcome);
    }
  }
  return gathered;
}
