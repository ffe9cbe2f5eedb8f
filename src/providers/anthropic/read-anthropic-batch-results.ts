/**
 * A Message Batches results file (JSONL text) → per-request outcomes, the raw
 * lines for the archive, and warnings for what could not be read.
 */
import type { BatchItemResult, BatchResults } from "../provider.js";
import { parseAnthropicBatchLine } from "./parse-anthropic-batch-line.js";

/**
 * Read every line of `text`. Never throws: an unreadable line is skipped with
 * a warning. A `custom_id` seen twice with the same line is kept once; seen
 * with different results, all its lines are left out (picking one would be a
 * guess), so that call gets no outcome from this batch.
 */
export function readAnthropicBatchResults(batchId: string, text: string): BatchResults {
  const rawLines: string[] = [];
  const warnings: string[] = [];
  const kept = new Map<string, { readonly item: BatchItemResult; readonly line: string }>();
  const conflicting = new Set<string>();
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    if (line.trim() === "") continue;
    rawLines.push(line);
    const where = `[anthropic] Batch ${batchId}, result line ${index + 1}`;
    const parsed = parseAnthropicBatchLine(line);
    if (!parsed.ok) {
      warnings.push(`${where}: ${parsed.problem}; skipped.`);
      continue;
    }
    const { customId } = parsed.item;
    const earlier = kept.get(customId);
    if (conflicting.has(customId)) {
      warnings.push(`${where}: custom_id "${customId}" appears again; all its results are left out.`);
    } else if (earlier === undefined) {
      kept.set(customId, { item: parsed.item, line });
    } else if (earlier.line === line) {
      warnings.push(`${where}: repeats the result of custom_id "${customId}"; kept once.`);
    } else {
      kept.delete(customId);
      conflicting.add(customId);
      warnings.push(
        `${where}: custom_id "${customId}" appears again with a different result; all its results are left out.`,
      );
    }
  }
  return { items: [...kept.values()].map(({ item }) => item), rawLines, warnings };
}
