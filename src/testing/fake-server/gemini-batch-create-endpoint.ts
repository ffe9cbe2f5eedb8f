/**
 * `POST /{v1beta|v1}/models/{model}:batchGenerateContent` with inline
 * requests (providers.md §3.1): each request is checked and answered now,
 * exactly as `:generateContent` would answer it, and released as the batch
 * progresses (batch-book.ts).
 */
import type { FakeBatchItem } from "./batch-book.js";
import type { ReplyContext } from "./fake-server-types.js";
import { type GeminiBatchDetails, renderBatchOperation } from "./gemini-batch-operation.js";
import { describeGenerateContentRequest, renderGenerateContentResponse } from "./gemini-generate-endpoint.js";
import { geminiError, geminiSuccess } from "./gemini-respond.js";
import { checkGeminiJsonSchemas } from "./gemini-schema-rules.js";
import { eitherCase, validateGenerateContentBody } from "./gemini-validation.js";
import { isObject, stringOf } from "./json-shape.js";
import { type Exchange, noFacts, type ProviderFailure, type Route } from "./provider-routes.js";

/** The largest inline create request the API takes (the 20 MB inline limit). */
const maxInlineBytes = 20 * 1024 * 1024;

/** The batch create route; `model` comes from the path. */
export const geminiBatchCreateRoute: Route = {
  method: "POST",
  pattern: /^\/(?<version>v1beta|v1)\/models\/(?<model>[^/:]+):batchGenerateContent$/,
  describe: (exchange) => ({ ...noFacts, model: exchange.params.model }),
  handle(exchange) {
    if (exchange.rawBody.length > maxInlineBytes) {
      return geminiError({
        status: 400,
        message: `Request payload size exceeds the limit: ${maxInlineBytes} bytes.`,
      });
    }
    const input = _readInput(exchange.body);
    if ("failure" in input) return geminiError(input.failure);
    const model = exchange.params.model;
    const items = input.entries.map((entry, index) => _prepare(exchange, model, entry, index));
    const details: GeminiBatchDetails = {
      model: `models/${model}`,
      displayName: input.displayName,
      metadata: input.entries.map((entry) => entry.metadata),
    };
    const batch = exchange.batches.create(
      "google",
      `batches/${exchange.batches.nextId("")}`,
      items,
      details as unknown as Record<string, unknown>,
    );
    return geminiSuccess(renderBatchOperation(exchange.batches, batch, { withOutput: true }));
  },
};

// --- internal ---

interface InlineEntry {
  readonly request: Record<string, unknown>;
  readonly metadata: Record<string, unknown> | undefined;
}

type BatchInput =
  | { readonly displayName: string | undefined; readonly entries: readonly InlineEntry[] }
  | { readonly failure: ProviderFailure };

/** The display name and inline requests of a create body (camelCase or snake_case), or why it is refused. */
function _readInput(body: unknown): BatchInput {
  const batch = isObject(body) ? eitherCase(body, "batch") : undefined;
  if (!isObject(batch)) return { failure: _invalid("batch", "batch is required") };
  const inputConfig = eitherCase(batch, "inputConfig");
  if (!isObject(inputConfig)) return { failure: _invalid("batch.input_config", "input_config is required") };
  if (eitherCase(inputConfig, "fileName") !== undefined) {
    return {
      failure: {
        status: 400,
        message:
          "Batch input from a file (input_config.file_name) is not supported by the fake server; send inline requests.",
        param: "batch.input_config.file_name",
      },
    };
  }
  const requests = isObject(inputConfig.requests) ? inputConfig.requests.requests : undefined;
  if (!Array.isArray(requests) || requests.length === 0) {
    return { failure: _invalid("batch.input_config.requests.requests", "at least one request is required") };
  }
  const entries: InlineEntry[] = [];
  for (const [index, entry] of requests.entries()) {
    const field = `batch.input_config.requests.requests[${index}]`;
    if (!isObject(entry) || !isObject(entry.request))
      return { failure: _invalid(`${field}.request`, "request is required") };
    const problem = validateGenerateContentBody(entry.request);
    if (problem) return { failure: { ...problem, message: `${field}.request: ${problem.message}` } };
    if (entry.metadata !== undefined && !isObject(entry.metadata)) {
      return { failure: _invalid(`${field}.metadata`, "metadata must be an object") };
    }
    entries.push({ request: entry.request, metadata: entry.metadata });
  }
  return { displayName: stringOf(eitherCase(batch, "displayName")), entries };
}

/**
 * One request's outcome: a `failRequest` status, the refusal of a JSON schema
 * Gemini cannot take (that request alone fails), or the answer
 * `:generateContent` would give.
 */
function _prepare(exchange: Exchange, model: string, entry: InlineEntry, index: number): FakeBatchItem {
  const customId = stringOf(entry.metadata?.key) ?? String(index);
  const context: ReplyContext = {
    provider: "google",
    path: exchange.path,
    body: entry.request,
    ...describeGenerateContentRequest(model, entry.request),
  };
  const failure = exchange.batches.failureFor(context, customId) ?? checkGeminiJsonSchemas(entry.request);
  if (failure !== undefined) {
    // An inline result carries a google.rpc.Status: the error body without its details.
    const { code, message, status } = (geminiError(failure).body as { error: Record<string, unknown> }).error;
    return { customId, context, outcome: { status: failure.status, body: { code, message, status } } };
  }
  const body = renderGenerateContentResponse(model, exchange.answer(context));
  return { customId, context, outcome: { status: 200, body } };
}

function _invalid(field: string, description: string): ProviderFailure {
  return { status: 400, message: `* BatchGenerateContentRequest.${field}: ${description}\n`, param: field };
}
