/**
 * Lines of an OpenAI batch's output and error files → `BatchResultLine`s.
 * Order is not guaranteed by the API, so results are keyed by `custom_id`
 * only; a line that cannot be trusted is skipped with a warning, never guessed.
 */

import type { BatchResultLine } from "../provider.js";
import type { NumberedLine } from "../shared/json-line-chunks.js";
import { type OpenAIBatchEndpoint, parseOpenAIBatchLine } from "./parse-openai-batch-line.js";

export function readOpenAIBatchLines(
  lines: readonly NumberedLine[],
  file: "output" | "error",
  batch: {
    readonly id: string;
    readonly endpoint: OpenAIBatchEndpoint;
    readonly model: string | undefined;
    /** The provider's name, in warnings and errors. @default "openai" */
    readonly provider?: string | undefined;
  },
): BatchResultLine[] {
  return lines.map(({ text, number }) => {
    const parsed = parseOpenAIBatchLine(text, batch);
    return {
      raw: text,
      outcome:
        "warning" in parsed
          ? {
              warning: `[${batch.provider ?? "openai"}] Batch ${batch.id}, ${file} file line ${number}: ${parsed.warning}; skipped.`,
            }
          : parsed.result,
    };
  });
}
