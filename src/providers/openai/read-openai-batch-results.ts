/**
 * The text of an OpenAI batch's output and error files → `BatchResults`.
 * Order is not guaranteed by the API, so results are keyed by `custom_id`
 * only; a line that cannot be trusted is skipped with a warning, never guessed.
 */
import type { BatchItemResult, BatchResults } from "../provider.js";
import { type OpenAIBatchEndpoint, parseOpenAIBatchLine } from "./parse-openai-batch-line.js";

/** One downloaded result file. */
export interface OpenAIBatchResultFile {
  readonly kind: "output" | "error";
  readonly text: string;
}

/**
 * Every non-empty line goes to `rawLines` (output file first). A custom id
 * found on more than one line is dropped with all its lines: which of them
 * is right cannot be known, and an unanswered request is asked again.
 */
export function readOpenAIBatchResults(
  files: readonly OpenAIBatchResultFile[],
  batch: { readonly id: string; readonly endpoint: OpenAIBatchEndpoint; readonly model: string | undefined },
): BatchResults {
  const rawLines: string[] = [];
  const warnings: string[] = [];
  const found = new Map<string, { readonly result: BatchItemResult; readonly where: string[] }>();
  for (const file of files) {
    for (const [index, line] of file.text.split(/\r?\n/).entries()) {
      if (line.trim() === "") continue;
      rawLines.push(line);
      const where = `${file.kind} file line ${index + 1}`;
      const parsed = parseOpenAIBatchLine(line, batch);
      if ("warning" in parsed) {
        warnings.push(`[openai] Batch ${batch.id}, ${where}: ${parsed.warning}; skipped.`);
        continue;
      }
      const earlier = found.get(parsed.result.customId);
      if (earlier) earlier.where.push(where);
      else found.set(parsed.result.customId, { result: parsed.result, where: [where] });
    }
  }
  const items: BatchItemResult[] = [];
  for (const [customId, { result, where }] of found) {
    if (where.length === 1) {
      items.push(result);
      continue;
    }
    warnings.push(
      `[openai] Batch ${batch.id}: custom_id "${customId}" appears on ${where.length} lines (${where.join(", ")}); all were skipped, so the request counts as unanswered.`,
    );
  }
  return { items, rawLines, warnings };
}
