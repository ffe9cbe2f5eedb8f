/**
 * `POST /{v1beta|v1}/models/{model}:batchGenerateContent` with inline
 * requests (providers.md §3.1): each request is checked and answered now,
 * exactly as `:generateContent` would answer it, and released as the batch
 * progresses (batch-book.ts).
 */
import type { FakeBatchItem } from "./batch-book.js";
import type { ReplyContext } from "./fake-server-types.js";
import { createGeminiBatch, type GeminiBatchInputRules, type GeminiInlineEntry } from "./gemini-batch-input.js";
import { failedInlineOutcome } from "./gemini-batch-operation.js";
import { describeGenerateContentRequest, renderGenerateContentResponse } from "./gemini-generate-endpoint.js";
import { checkGeminiJsonSchemas } from "./gemini-schema-rules.js";
import { validateGenerateContentBody } from "./gemini-validation.js";
import { stringOf } from "./json-shape.js";
import { type Exchange, noFacts, type Route } from "./provider-routes.js";

/** The batch create route; `model` comes from the path. */
export const geminiBatchCreateRoute: Route = {
  method: "POST",
  pattern: /^\/(?<version>v1beta|v1)\/models\/(?<model>[^/:]+):batchGenerateContent$/,
  describe: (exchange) => ({ ...noFacts, model: exchange.params.model }),
  handle: (exchange) =>
    createGeminiBatch(exchange, "GenerateContentBatch", generateRules, (model, entry, index) =>
      _prepare(exchange, model, entry, index),
    ),
};

// --- internal ---

const generateRules: GeminiBatchInputRules = {
  messageName: "BatchGenerateContentRequest",
  validateRequest: validateGenerateContentBody,
};

/**
 * One request's outcome: a `failRequest` status, the refusal of a JSON schema
 * Gemini cannot take (that request alone fails), or the answer
 * `:generateContent` would give.
 */
function _prepare(exchange: Exchange, model: string, entry: GeminiInlineEntry, index: number): FakeBatchItem {
  const customId = stringOf(entry.metadata?.key) ?? String(index);
  const context: ReplyContext = {
    provider: "google",
    path: exchange.path,
    body: entry.request,
    ...describeGenerateContentRequest(model, entry.request),
  };
  const failure = exchange.batches.failureFor(context, customId) ?? checkGeminiJsonSchemas(entry.request);
  if (failure !== undefined) return { customId, context, outcome: failedInlineOutcome(failure) };
  const body = renderGenerateContentResponse(model, exchange.answer(context));
  return { customId, context, outcome: { status: 200, body } };
}
