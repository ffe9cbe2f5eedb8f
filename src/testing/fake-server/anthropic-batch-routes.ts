/**
 * Anthropic Message Batches: create, retrieve (a poll), list, cancel, delete
 * and the JSONL results (providers.md §2.1). Each request's outcome is fixed at
 * create time, rendered exactly as `POST /v1/messages` would answer it.
 */
import {
  type AnthropicBatchDetails,
  renderMessageBatch,
  renderResultsJsonl,
  shuffledOrder,
} from "./anthropic-batch-object.js";
import { anthropicBatchMaxBytes, readBatchListQuery, validateBatchCreateBody } from "./anthropic-batch-validation.js";
import { describeMessagesRequest, renderMessage } from "./anthropic-messages-endpoint.js";
import { anthropicError, anthropicSuccess } from "./anthropic-respond.js";
import { checkMessagesSchemas } from "./anthropic-schema-rules.js";
import type { AnthropicVersion } from "./anthropic-validation.js";
import type { FakeBatch, FakeBatchItem } from "./batch-book.js";
import type { ReplyContext } from "./fake-server-types.js";
import { arrayOf, objectOf, stringOf } from "./json-shape.js";
import { type Exchange, noFacts, type Route, type WireResponse } from "./provider-routes.js";
import { headerValue } from "./request-headers.js";
import { wireIds } from "./wire-ids.js";

const createRoute: Route = {
  method: "POST",
  pattern: /^\/v1\/messages\/batches$/,
  describe: (exchange) => ({
    ...noFacts,
    model: stringOf(objectOf(objectOf(arrayOf(objectOf(exchange.body).requests)[0]).params).model),
  }),
  handle(exchange) {
    if (exchange.rawBody.length > anthropicBatchMaxBytes) {
      return anthropicError({ status: 413, message: "Request exceeds the maximum allowed number of bytes." });
    }
    const version = _version(exchange);
    const problem = validateBatchCreateBody(exchange.body, version);
    if (problem) return anthropicError(problem);
    const requests = arrayOf(objectOf(exchange.body).requests).map((request) => objectOf(request));
    const items = requests.map((request) => _prepareItem(exchange, String(request.custom_id), request.params, version));
    const details: AnthropicBatchDetails = { resultOrder: shuffledOrder(items.length) };
    const batch = exchange.batches.create("anthropic", exchange.batches.nextId("msgbatch_01"), items, { ...details });
    return anthropicSuccess(renderMessageBatch(exchange.batches, batch, "in-progress", exchange.origin));
  },
};

const listRoute: Route = {
  method: "GET",
  pattern: /^\/v1\/messages\/batches$/,
  handle(exchange) {
    const query = readBatchListQuery(exchange.url);
    if ("status" in query) return anthropicError(query);
    const all = exchange.batches.list("anthropic");
    const cursor = query.afterId ?? query.beforeId;
    const at = cursor === undefined ? -1 : all.findIndex((batch) => batch.id === cursor);
    if (cursor !== undefined && at < 0) return _notFound(cursor);
    // Newest first: `after_id` pages towards older batches, `before_id` towards newer ones.
    const start = query.beforeId === undefined ? at + 1 : Math.max(0, at - query.limit);
    const end = query.beforeId === undefined ? start + query.limit : at;
    const page = all.slice(start, end);
    return anthropicSuccess({
      data: page.map((batch) =>
        renderMessageBatch(exchange.batches, batch, exchange.batches.state(batch), exchange.origin),
      ),
      has_more: query.beforeId === undefined ? end < all.length : start > 0,
      first_id: page[0]?.id ?? null,
      last_id: page.at(-1)?.id ?? null,
    });
  },
};

const retrieveRoute: Route = {
  method: "GET",
  pattern: /^\/v1\/messages\/batches\/(?<id>[^/]+)$/,
  handle: (exchange) =>
    _withBatch(exchange, (batch) =>
      anthropicSuccess(renderMessageBatch(exchange.batches, batch, exchange.batches.poll(batch), exchange.origin)),
    ),
};

const resultsRoute: Route = {
  method: "GET",
  pattern: /^\/v1\/messages\/batches\/(?<id>[^/]+)\/results$/,
  handle: (exchange) =>
    _withBatch(exchange, (batch) => {
      if (exchange.batches.state(batch) === "in-progress") {
        return anthropicError({
          status: 404,
          message: `Results for batch ${batch.id} are not available yet: it has not ended (processing_status is not "ended").`,
        });
      }
      return {
        status: 200,
        headers: { "request-id": wireIds.anthropicRequest(), "content-type": "application/x-jsonl" },
        body: renderResultsJsonl(exchange.batches, batch),
      };
    }),
};

const cancelRoute: Route = {
  method: "POST",
  pattern: /^\/v1\/messages\/batches\/(?<id>[^/]+)\/cancel$/,
  handle: (exchange) =>
    _withBatch(exchange, (batch) => {
      const state = exchange.batches.state(batch);
      if (state === "in-progress") {
        exchange.batches.requestCancel(batch);
        const details = batch.details as unknown as AnthropicBatchDetails;
        details.cancelInitiatedAt ??= Date.now();
      }
      // `canceling` now; the next poll sees the batch ended.
      return anthropicSuccess(renderMessageBatch(exchange.batches, batch, state, exchange.origin));
    }),
};

const deleteRoute: Route = {
  method: "DELETE",
  pattern: /^\/v1\/messages\/batches\/(?<id>[^/]+)$/,
  handle: (exchange) =>
    _withBatch(exchange, (batch) => {
      if (exchange.batches.state(batch) === "in-progress") {
        return anthropicError({
          status: 400,
          message: `Batch ${batch.id} cannot be deleted while it is processing. Cancel it and wait for it to end first.`,
        });
      }
      exchange.batches.delete("anthropic", batch.id);
      return anthropicSuccess({ id: batch.id, type: "message_batch_deleted" });
    }),
};

/** The Message Batches routes, for the Anthropic route module. */
export const anthropicBatchRoutes: readonly Route[] = [
  createRoute,
  listRoute,
  retrieveRoute,
  resultsRoute,
  cancelRoute,
  deleteRoute,
];

// --- internal ---

function _version(exchange: Exchange): AnthropicVersion {
  // Access checks have already vetted `anthropic-version`.
  return headerValue(exchange.headers, "anthropic-version") as AnthropicVersion;
}

/**
 * One request's outcome: the answer `POST /v1/messages` would give for the
 * same params (scripts see the direct path), or the failure `failRequest` picks.
 * A schema the API cannot compile fails that request alone (an `errored`
 * result), as the real API does: the batch was accepted on its shape.
 */
function _prepareItem(exchange: Exchange, customId: string, params: unknown, version: AnthropicVersion): FakeBatchItem {
  const context: ReplyContext = {
    provider: "anthropic",
    path: "/v1/messages",
    body: params,
    ...describeMessagesRequest(params),
  };
  const failure = exchange.batches.failureFor(context, customId) ?? checkMessagesSchemas(objectOf(params));
  const outcome =
    failure === undefined
      ? { status: 200, body: renderMessage(String(objectOf(params).model), exchange.answer(context), version) }
      : { status: failure.status, body: anthropicError(failure).body };
  return { customId, context, outcome };
}

function _withBatch(exchange: Exchange, handle: (batch: FakeBatch) => WireResponse): WireResponse {
  const id = exchange.params["id"] ?? "";
  const batch = exchange.batches.get("anthropic", id);
  return batch ? handle(batch) : _notFound(id);
}

function _notFound(id: string): WireResponse {
  return anthropicError({ status: 404, message: `Message batch ${id} not found.` });
}
