/**
 * The OpenAI Batch API: create from an uploaded JSONL file, retrieve (a poll),
 * list with cursor paging, cancel. Lifecycle in `BatchBook`; wire shapes in
 * `openai-batch-object.ts`.
 *
 * @see https://platform.openai.com/docs/api-reference/batch
 */
import type { BatchBook, FakeBatch } from "./batch-book.js";
import { firstUnknownKey, isObject } from "./json-shape.js";
import { readOpenAIBatchInput } from "./openai-batch-input.js";
import {
  type OpenAIBatchDetails,
  type OpenAIBatchStatus,
  openaiBatchStatus,
  openaiDetailsOf,
  renderOpenAIBatch,
} from "./openai-batch-object.js";
import type { OpenAIEndpoint } from "./openai-endpoint.js";
import { noSuchFile } from "./openai-files-routes.js";
import { openaiError, openaiSuccess } from "./openai-respond.js";
import { invalidType, invalidValue, missingParameter, unknownParameter } from "./openai-validation.js";
import type { Exchange, ProviderFailure, Route, WireResponse } from "./provider-routes.js";

/** What a provider's copy of OpenAI's Batch API accepts. */
export interface OpenAIBatchRules {
  /** Every batch `endpoint` value it accepts. */
  readonly acceptedEndpoints: readonly string[];
  /** Those the fake server runs (also each input line's `url`) → the endpoint that answers them. */
  readonly batchEndpoints: Readonly<Record<string, OpenAIEndpoint>>;
  /** Why a batch's `completion_window` is refused, if it is. */
  readonly checkWindow: (window: unknown) => ProviderFailure | undefined;
  /** Models it runs batches for; `undefined` for any. */
  readonly batchModels: readonly string[] | undefined;
}

/**
 * `POST /v1/batches`, `GET /v1/batches`, `GET /v1/batches/{id}`,
 * `POST /v1/batches/{id}/cancel`, with `rules` for what a batch may be.
 */
export function openaiBatchRoutesFor(rules: OpenAIBatchRules): readonly Route[] {
  return [{ method: "POST", pattern: /^\/v1\/batches$/, handle: (exchange) => _create(exchange, rules) }, ...routes];
}

// --- internal ---

const routes: readonly Route[] = [
  { method: "GET", pattern: /^\/v1\/batches$/, handle: (exchange) => _list(exchange) },
  {
    method: "GET",
    pattern: /^\/v1\/batches\/(?<id>[^/]+)$/,
    handle(exchange) {
      const batch = exchange.batches.get("openai", exchange.params.id);
      if (!batch) return _noSuchBatch(exchange.params.id);
      const state = exchange.batches.poll(batch);
      return openaiSuccess(renderOpenAIBatch(batch, exchange.batches, openaiBatchStatus(batch, state)));
    },
  },
  {
    method: "POST",
    pattern: /^\/v1\/batches\/(?<id>[^/]+)\/cancel$/,
    handle: (exchange) => _cancel(exchange),
  },
];

const createFields = new Set(["input_file_id", "endpoint", "completion_window", "metadata", "output_expires_after"]);

function _create(exchange: Exchange, rules: OpenAIBatchRules): WireResponse {
  const problem = _checkCreateBody(exchange.body, rules);
  if (problem) return openaiError(problem);
  const body = exchange.body as Record<string, unknown>;
  const endpoint = rules.batchEndpoints[String(body.endpoint)];
  if (!endpoint) {
    return openaiError({
      status: 400,
      message: `The fake provider server runs batches for ${Object.keys(rules.batchEndpoints).join(" and ")} only.`,
      param: "endpoint",
      code: "unsupported_value",
    });
  }
  const book = exchange.batches;
  const inputFileId = String(body.input_file_id);
  const file = book.file("openai", inputFileId);
  if (!file) return noSuchFile(inputFileId, "input_file_id");
  if (file.purpose !== "batch") {
    return openaiError({
      status: 400,
      message: `Invalid 'input_file_id': the file has purpose '${file.purpose}'; upload batch input with purpose 'batch'.`,
      param: "input_file_id",
      code: "invalid_value",
    });
  }
  const input = readOpenAIBatchInput(file.bytes.toString("utf8"), endpoint, exchange, {
    url: String(body.endpoint),
  });
  if (input.ok && rules.batchModels && !rules.batchModels.includes(input.model ?? "")) {
    return openaiError({
      status: 400,
      message: `The model '${input.model}' is not available for batch processing. Models with batch support: ${rules.batchModels.join(", ")}.`,
      param: "model",
      code: "model_not_found",
    });
  }
  const details: OpenAIBatchDetails = {
    endpoint: String(body.endpoint),
    completionWindow: String(body.completion_window),
    inputFileId,
    model: input.ok ? input.model : undefined,
    metadata: (body.metadata as Record<string, string> | undefined) ?? null,
    inputErrors: input.ok ? undefined : input.errors,
    cancellingAt: undefined,
    resultFiles: undefined,
  };
  const batch = book.create("openai", book.nextId("batch_"), input.ok ? input.items : [], details);
  if (!input.ok) {
    // A rejected file: the create answer still says "validating"; the first status request says "failed".
    batch.endState = "failed";
    batch.endedAt = Date.now();
  }
  return openaiSuccess(renderOpenAIBatch(batch, book, "validating"));
}

function _checkCreateBody(body: unknown, rules: OpenAIBatchRules): ProviderFailure | undefined {
  if (!isObject(body)) return invalidType("body", "an object", body);
  const unknown = firstUnknownKey(body, createFields);
  if (unknown !== undefined) return unknownParameter(unknown);
  for (const field of ["input_file_id", "endpoint", "completion_window"]) {
    if (body[field] === undefined) return missingParameter(field);
  }
  if (typeof body.input_file_id !== "string") return invalidType("input_file_id", "a string", body.input_file_id);
  if (!rules.acceptedEndpoints.includes(String(body.endpoint))) {
    return invalidValue("endpoint", body.endpoint, rules.acceptedEndpoints);
  }
  return rules.checkWindow(body.completion_window) ?? _checkMetadata(body.metadata);
}

/** Up to 16 pairs; keys up to 64 characters, values strings up to 512. */
function _checkMetadata(metadata: unknown): ProviderFailure | undefined {
  if (metadata === undefined || metadata === null) return undefined;
  if (!isObject(metadata)) return invalidType("metadata", "an object", metadata);
  const entries = Object.entries(metadata);
  const invalid = (message: string): ProviderFailure => ({
    status: 400,
    message: `Invalid 'metadata': ${message}`,
    param: "metadata",
    code: "invalid_value",
  });
  if (entries.length > 16) return invalid(`too many properties. Expected at most 16, got ${entries.length}.`);
  for (const [key, value] of entries) {
    if (key.length > 64) return invalid(`key '${key}' is longer than 64 characters.`);
    if (typeof value !== "string") return invalidType(`metadata.${key}`, "a string", value);
    if (value.length > 512) return invalid(`the value of '${key}' is longer than 512 characters.`);
  }
  return undefined;
}

/** Newest first; `after` is the id of the last batch of the previous page. */
function _list(exchange: Exchange): WireResponse {
  const limitText = exchange.url.searchParams.get("limit");
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return openaiError({
      status: 400,
      message: `Invalid 'limit': expected an integer from 1 to 100, got '${limitText}'.`,
      param: "limit",
      code: "invalid_value",
    });
  }
  const book = exchange.batches;
  const all = book.list("openai");
  const after = exchange.url.searchParams.get("after");
  const start = after === null ? 0 : all.findIndex((batch) => batch.id === after) + 1;
  // An unknown cursor (start 0 from findIndex -1) gives an empty page rather than the first one.
  const page = after !== null && start === 0 ? [] : all.slice(start, start + limit);
  return openaiSuccess({
    object: "list",
    data: page.map((batch) => renderOpenAIBatch(batch, book, _statusOf(batch, book))),
    first_id: page[0]?.id ?? null,
    last_id: page.at(-1)?.id ?? null,
    has_more: start + page.length < all.length && page.length > 0,
  });
}

function _cancel(exchange: Exchange): WireResponse {
  const book = exchange.batches;
  const batch = book.get("openai", exchange.params.id);
  if (!batch) return _noSuchBatch(exchange.params.id);
  const status = _statusOf(batch, book);
  if (status !== "validating" && status !== "in_progress" && status !== "cancelling") {
    return openaiError({ status: 409, message: `Cannot cancel a batch with status '${status}'.`, code: null });
  }
  if (status !== "cancelling") {
    book.requestCancel(batch);
    openaiDetailsOf(batch).cancellingAt = Math.floor(Date.now() / 1000);
  }
  // `cancelled` comes with the next status request (BatchBook ends a batch whose cancel was requested).
  return openaiSuccess(renderOpenAIBatch(batch, book, "cancelling"));
}

/** The status without counting a poll; a cancel in progress shows as `cancelling`. */
function _statusOf(batch: FakeBatch, book: BatchBook): OpenAIBatchStatus {
  if (batch.cancelRequested && batch.endState === undefined) return "cancelling";
  return openaiBatchStatus(batch, book.state(batch));
}

function _noSuchBatch(id: string): WireResponse {
  return openaiError({ status: 404, message: `No batch found with id '${id}'.`, param: "batch_id", code: null });
}
