/** What every BatchApi checks of a submission before it sends anything. */
import { ParallellmError } from "../../core/errors.js";
import type { LLMRequest } from "../provider.js";

/**
 * A submission holds items of one model, and asks or embeddings, never both (one
 * endpoint per batch); anything else is a bug in the batch planner. True when it
 * holds embeddings.
 */
export function checkBatchSubmission(name: string, model: string, requests: readonly LLMRequest[]): boolean {
  if (requests.length === 0) {
    throw new ParallellmError(`[${name}] A batch needs at least one item. This is a bug in the batch planner.`);
  }
  const models = new Set(requests.map((request) => request.model));
  if (models.size > 1 || !models.has(model)) {
    throw new ParallellmError(
      `[${name}] A batch must use one model (${model}), got ${[...models].join(", ")}. This is a bug in the batch planner: group items by model.`,
    );
  }
  const embeddings = requests.filter((request) => request.embedding !== undefined).length;
  if (embeddings !== 0 && embeddings !== requests.length) {
    throw new ParallellmError(
      `[${name}] A batch must hold asks or embeddings, not both (one endpoint per batch). This is a bug in the batch planner: group embeddings apart.`,
    );
  }
  return embeddings !== 0;
}
