/**
 * `POST /{v1beta|v1}/models/{model}:batchEmbedContents` (what the SDK's
 * `models.embedContent` calls on the Gemini Developer API): deterministic
 * vectors, at most 100 requests per call (more: the API's 400).
 *
 * @see https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
 */
import { defaultDimensions, fakeEmbedding } from "./fake-embedding.js";
import { geminiError, geminiSuccess } from "./gemini-respond.js";
import { arrayOf, objectOf, stringOf } from "./json-shape.js";
import type { ProviderFailure, RequestFacts, Route } from "./provider-routes.js";

/** Requests per batchEmbedContents call. */
export const geminiEmbedLimit = 100;

/** The batchEmbedContents route; `model` comes from the path. */
export const geminiEmbedRoute: Route = {
  method: "POST",
  pattern: /^\/(?<version>v1beta|v1)\/models\/(?<model>[^/:]+):batchEmbedContents$/,
  describe: (exchange) => describeEmbedRequest(exchange.params.model, exchange.body),
  handle(exchange) {
    const model = exchange.params.model!;
    const problem = validateEmbedBody(exchange.body);
    if (problem) return geminiError(problem);
    const embeddings = _requests(exchange.body).map((request) => ({ values: geminiEmbeddingValues(model, request) }));
    return geminiSuccess({ embeddings });
  },
};

/**
 * The vector of one `EmbedContentRequest` (`{content, taskType?, outputDimensionality?}`):
 * deterministic in the model, text, task type and length, as the direct and batch routes give it.
 */
export function geminiEmbeddingValues(model: string, request: Record<string, unknown>): number[] {
  const dimensions = request.outputDimensionality;
  const vector = fakeEmbedding(
    model,
    embedRequestText(request),
    typeof dimensions === "number" ? dimensions : defaultDimensions(model),
    stringOf(request.taskType),
  );
  return Array.from(vector);
}

/** The text of one `EmbedContentRequest`: its content's text parts, joined. */
export function embedRequestText(request: Record<string, unknown>): string {
  return arrayOf(objectOf(request.content).parts)
    .map((part) => stringOf(objectOf(part).text) ?? "")
    .join("");
}

function describeEmbedRequest(model: string | undefined, body: unknown): RequestFacts {
  const first = _requests(body)[0];
  return { model, prompt: first ? embedRequestText(first) : "", tools: [], schema: undefined, afterToolResult: false };
}

function validateEmbedBody(body: unknown): ProviderFailure | undefined {
  if (_requests(body).length > geminiEmbedLimit) {
    return {
      status: 400,
      message: `* BatchEmbedContentsRequest.requests: at most ${geminiEmbedLimit} requests can be in one batch\n`,
    };
  }
  return undefined;
}

// --- internal ---

function _requests(body: unknown): Record<string, unknown>[] {
  return arrayOf(objectOf(body).requests).map((request) => objectOf(request));
}
