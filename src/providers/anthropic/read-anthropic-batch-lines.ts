/**
 * Lines of a Message Batches results file → `BatchResultLine`s. Never throws:
 * an unreadable line is skipped with a warning that says where it was.
 */
import type { BatchResultLine } from "../provider.js";
import type { NumberedLine } from "../shared/json-line-chunks.js";
import { parseAnthropicBatchLine } from "./parse-anthropic-batch-line.js";

export function readAnthropicBatchLines(batchId: string, lines: readonly NumberedLine[]): BatchResultLine[] {
  return lines.map(({ text, number }) => {
    const parsed = parseAnthropicBatchLine(text);
    return {
      raw: text,
      outcome: parsed.ok
        ? parsed.item
        : { warning: `[anthropic] Batch ${batchId}, result line ${number}: ${parsed.problem}; skipped.` },
    };
  });
}
