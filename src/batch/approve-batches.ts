/**
 * `batch.confirm`: show what is about to be submitted and ask. Never waits
 * where nobody can answer: off a terminal it needs `batch.approve` or
 * `PLLM_APPROVE=1`.
 */
import { createInterface } from "node:readline/promises";
import type { Log } from "../core/log.js";
import { costOf, pricesTakenOn } from "../providers/model-prices.js";
import type { BatchPreview } from "./submit-batches.js";

export function formatBatchPreview(preview: readonly BatchPreview[]): string {
  const lines = ["Batches to submit (input cost estimated at batch price; output is billed on top):"];
  for (const row of preview) {
    const cost = costOf(row.model, { input: row.estimatedInputTokens }, { batch: true });
    const price = cost === undefined ? "no price known" : `~$${cost.toFixed(4)} input`;
    lines.push(
      `  ${row.provider}/${row.model}: ${row.requests} requests in ${row.batches} batch(es), ~${row.estimatedInputTokens} input tokens, ${price}`,
    );
  }
  lines.push(`  (prices of ${pricesTakenOn}; tokens estimated from the request size)`);
  return lines.join("\n");
}

/**
 * Prints the preview (the question) through `print`; off a terminal, without an
 * approval, says through `log` that nothing was submitted, and why.
 */
export async function approveBatches(
  preview: readonly BatchPreview[],
  settings: { readonly approve?: boolean },
  print: (text: string) => void,
  log: Log,
): Promise<boolean> {
  print(formatBatchPreview(preview));
  if (settings.approve || process.env["PLLM_APPROVE"] === "1") return true;
  if (!process.stdin.isTTY || !process.stderr.isTTY) {
    log.warn(
      { requests: preview.reduce((sum, row) => sum + row.requests, 0) },
      "Not submitted: confirmation needs a terminal. Approve with batch: { approve: true } or PLLM_APPROVE=1; the calls are collected again on the next run.",
    );
    return false;
  }
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question("Submit these batches? [y/N] ");
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}
