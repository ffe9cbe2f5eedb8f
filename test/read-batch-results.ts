/** For adapter tests: every chunk of a `BatchApi.results` stream, gathered. */
import type { BatchItemResult, BatchResultChunk } from "../src/providers/provider.js";

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
