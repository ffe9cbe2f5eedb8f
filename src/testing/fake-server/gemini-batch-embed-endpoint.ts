/**
 * `POST /{v1beta|v1}/models/{model}:asyncBatchEmbedContent` (what the SDK's
 * `batches.createEmbeddings` calls) with inline requests: each
 * `EmbedContentRequest` is checked and answered now, as `:batchEmbedContents`
 * would embed it, with its `tokenCount`, and released as the batch progresses
 * (batch-book.ts). No 100-request cap: that limit is the direct call's.
 *
 * @see https://ai.google.dev/api/embeddings#method:-models.asyncbatchembedcontent
 */
import type { FakeBatchItem } from "./batch-book.js";
import { fakeTokens } from "./fake-embedding.js";
import type { ReplyContext } from "./fake-server-types.js";
import { createGeminiBatch, type GeminiBatchInputRules, type GeminiInlineEntry } from "./gemini-batch-input.js";
import { failedInlineOutcome } from "./gemini-batch-operation.js";
import { embedRequestText, geminiEmbeddingValues } from "./gemini-embed-endpoint.js";
import { eitherCase } from "./gemini-validation.js";
import { arrayOf, firstUnknownKey, isObject, stringOf } from "./json-shape.js";
import { type Exchange, noFacts, type ProviderFailure, type Route } from "./provider-routes.js";

/** The embedding batch create route; `model` comes from the path. */
export const geminiBatchEmbedRoute: Route = {
  method: "POST",
  pattern: /^\/(?<version>v1beta|v1)\/models\/(?<model>[^/:]+):asyncBatchEmbedContent$/,
  describe: (exchange) => ({ ...noFacts, model: exchange.params.model }),
  handle: (exchange) =>
    createGeminiBatch(exchange, "EmbedContentBatch", embedRules, (model, entry, index) =>
      _prepare(exchange, model, entry, index),
    ),
};

// --- internal ---

/** The fields of an `EmbedContentRequest`, as the REST API takes them (also in snake_case). */
const embedRequestFields: ReadonlySet<string> = new Set([
  "model",
  "content",
  "taskType",
  "task_type",
  "title",
  "outputDimensionality",
  "output_dimensionality",
]);

const embedRules: GeminiBatchInputRules = {
  messageName: "AsyncBatchEmbedContentRequest",
  validateRequest: _validateEmbedRequest,
};

/** The first problem with one inline `EmbedContentRequest`. */
function _validateEmbedRequest(request: Record<string, unknown>): ProviderFailure | undefined {
  const unknown = firstUnknownKey(request, embedRequestFields);
  if (unknown !== undefined) {
    return { status: 400, message: `Invalid JSON payload received. Unknown name "${unknown}": Cannot find field.` };
  }
  if (!isObject(request.content)) return { status: 400, message: "content is required", param: "content" };
  if (arrayOf(request.content.parts).length === 0) {
    return { status: 400, message: "content.parts must not be empty", param: "content.parts" };
  }
  const dimensions = eitherCase(request, "outputDimensionality");
  if (dimensions !== undefined && !(Number.isInteger(dimensions) && (dimensions as number) > 0)) {
    return {
      status: 400,
      message: `output_dimensionality must be a positive integer, got ${JSON.stringify(dimensions)}`,
      param: "output_dimensionality",
    };
  }
  return undefined;
}

/** One request's outcome: a `failRequest` status, or its vector and token count. */
function _prepare(exchange: Exchange, model: string, entry: GeminiInlineEntry, index: number): FakeBatchItem {
  const customId = stringOf(entry.metadata?.key) ?? String(index);
  const text = embedRequestText(entry.request);
  const context: ReplyContext = {
    provider: "google",
    path: exchange.path,
    body: entry.request,
    ...noFacts,
    model,
    prompt: text,
  };
  const failure = exchange.batches.failureFor(context, customId);
  if (failure !== undefined) return { customId, context, outcome: failedInlineOutcome(failure) };
  const request = {
    content: entry.request.content,
    taskType: eitherCase(entry.request, "taskType"),
    outputDimensionality: eitherCase(entry.request, "outputDimensionality"),
  };
  // tokenCount is an int64, which proto3 JSON writes as a string.
  const body = { embedding: { values: geminiEmbeddingValues(model, request) }, tokenCount: String(fakeTokens(text)) };
  return { customId, context, outcome: { status: 200, body } };
}
