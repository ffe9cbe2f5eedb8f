/**
 * Gemini's Batch API endpoints (providers.md §3.1), under `/v1beta` and `/v1`:
 * create (generate and embed batches), get (a status poll), list, cancel and
 * delete. Inline input only.
 */
import type { FakeBatch } from "./batch-book.js";
import { geminiBatchCreateRoute } from "./gemini-batch-create-endpoint.js";
import { geminiBatchEmbedRoute } from "./gemini-batch-embed-endpoint.js";
import { renderBatchOperation } from "./gemini-batch-operation.js";
import { geminiError, geminiSuccess } from "./gemini-respond.js";
import type { Exchange, Route, WireResponse } from "./provider-routes.js";

/** `pageSize` when the list request names none, and the most one page holds. */
const defaultPageSize = 50;
const maxPageSize = 1000;

/** `GET /{ver}/batches/{id}`: counts as a poll, then reports the Operation with its output when done. */
const getRoute: Route = {
  method: "GET",
  pattern: /^\/(?<version>v1beta|v1)\/batches\/(?<id>[^/:]+)$/,
  handle: (exchange) =>
    _withBatch(exchange, (batch) => {
      exchange.batches.poll(batch);
      return geminiSuccess(renderBatchOperation(exchange.batches, batch, { withOutput: true }));
    }),
};

/** `GET /{ver}/batches?pageSize&pageToken`: newest first, without inlined responses. */
const listRoute: Route = {
  method: "GET",
  pattern: /^\/(?<version>v1beta|v1)\/batches$/,
  handle(exchange) {
    const requested = Number(exchange.url.searchParams.get("pageSize") ?? defaultPageSize);
    const pageSize = Number.isInteger(requested) && requested > 0 ? Math.min(requested, maxPageSize) : defaultPageSize;
    const start = Number(exchange.url.searchParams.get("pageToken") || 0);
    if (!Number.isInteger(start) || start < 0) return geminiError({ status: 400, message: "Invalid page token." });
    const batches = exchange.batches.list("google");
    const page = batches.slice(start, start + pageSize);
    const next = start + pageSize;
    return geminiSuccess({
      operations: page.map((batch) => renderBatchOperation(exchange.batches, batch, { withOutput: false })),
      // Absent on the last page: @google/genai keeps paging while a token (even "") is present.
      ...(next < batches.length ? { nextPageToken: String(next) } : {}),
    });
  },
};

/** `POST /{ver}/batches/{id}:cancel` (body `{}`): stops the batch; what it processed stays. */
const cancelRoute: Route = {
  method: "POST",
  pattern: /^\/(?<version>v1beta|v1)\/batches\/(?<id>[^/:]+):cancel$/,
  handle: (exchange) =>
    _withBatch(exchange, (batch) => {
      exchange.batches.requestCancel(batch);
      return geminiSuccess({});
    }),
};

/** `DELETE /{ver}/batches/{id}`: the batch is forgotten. */
const deleteRoute: Route = {
  method: "DELETE",
  pattern: /^\/(?<version>v1beta|v1)\/batches\/(?<id>[^/:]+)$/,
  handle: (exchange) =>
    _withBatch(exchange, (batch) => {
      exchange.batches.delete("google", batch.id);
      return geminiSuccess({});
    }),
};

/** The Gemini batch routes, for the Gemini route module. */
export const geminiBatchRoutes: readonly Route[] = [
  geminiBatchCreateRoute,
  geminiBatchEmbedRoute,
  getRoute,
  listRoute,
  cancelRoute,
  deleteRoute,
];

// --- internal ---

function _withBatch(exchange: Exchange, handle: (batch: FakeBatch) => WireResponse): WireResponse {
  const batch = exchange.batches.get("google", `batches/${exchange.params.id}`);
  if (!batch) {
    return geminiError({ status: 404, message: `Batch batches/${exchange.params.id} not found.` });
  }
  return handle(batch);
}
