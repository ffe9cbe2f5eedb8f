/**
 * Mistral's batch jobs: created from uploaded JSONL files (`/v1/files`,
 * purpose `batch`) for one model and endpoint, polled, listed by page,
 * cancelled; results in an output and an error file. Lifecycle in `BatchBook`.
 *
 * @see https://docs.mistral.ai/capabilities/batch
 * @see https://docs.mistral.ai/api/endpoint/batch
 */
import { randomUUID } from "node:crypto";
import type { BatchBook, FakeBatch, FakeBatchState } from "./batch-book.js";
import { firstUnknownKey, isObject } from "./json-shape.js";
import { readOpenAIBatchInput } from "./openai-batch-input.js";
import { openaiChatEndpoint } from "./openai-chat-endpoint.js";
import { saveOpenAIFile } from "./openai-files-routes.js";
import { openaiSuccess } from "./openai-respond.js";
import type { Exchange, ProviderFailure, Route, WireResponse } from "./provider-routes.js";
import { retryHeaders } from "./retry-headers.js";

/** `POST`/`GET /v1/batch/jobs`, `GET /v1/batch/jobs/{id}`, `POST /v1/batch/jobs/{id}/cancel`. */
export const mistralBatchRoutes: readonly Route[] = [
  { method: "POST", pattern: /^\/v1\/batch\/jobs$/, handle: (exchange) => _create(exchange) },
  { method: "GET", pattern: /^\/v1\/batch\/jobs$/, handle: (exchange) => _list(exchange) },
  {
    method: "GET",
    pattern: /^\/v1\/batch\/jobs\/(?<id>[^/]+)$/,
    handle(exchange) {
      const batch = exchange.batches.get("openai", exchange.params.id);
      if (!batch) return _noSuchJob(exchange.params.id);
      return openaiSuccess(_render(batch, exchange.batches, exchange.batches.poll(batch)));
    },
  },
  {
    method: "POST",
    pattern: /^\/v1\/batch\/jobs\/(?<id>[^/]+)\/cancel$/,
    handle(exchange) {
      const book = exchange.batches;
      const batch = book.get("openai", exchange.params.id);
      if (!batch) return _noSuchJob(exchange.params.id);
      book.requestCancel(batch);
      return openaiSuccess(_render(batch, book, book.state(batch)));
    },
  },
];

/** A Mistral error: a flat object, not nested under `error`. */
export function mistralError(failure: ProviderFailure): WireResponse {
  return {
    status: failure.status,
    headers: retryHeaders(failure),
    body: failure.body ?? {
      object: "error",
      message: failure.message ?? (failure.status === 429 ? "Requests rate limit exceeded" : "Invalid request"),
      type: failure.status === 429 ? "rate_limited" : "invalid_request_error",
      param: failure.param ?? null,
      code: failure.code ?? null,
    },
  };
}

// --- internal ---

/** Endpoints a batch job may name (the fake server runs chat completions only). */
const endpoints = [
  "/v1/chat/completions",
  "/v1/embeddings",
  "/v1/fim/completions",
  "/v1/moderations",
  "/v1/chat/moderations",
  "/v1/ocr",
  "/v1/classifications",
  "/v1/conversations",
  "/v1/audio/transcriptions",
];

const createFields = new Set(["input_files", "requests", "endpoint", "model", "agent_id", "metadata", "timeout_hours"]);

type MistralJobDetails = {
  readonly endpoint: string;
  readonly model: string;
  readonly inputFiles: readonly string[];
  readonly metadata: Readonly<Record<string, string>> | null;
  readonly errors: readonly { readonly message: string; readonly count: number }[];
  resultFiles: { readonly output: string | null; readonly error: string | null } | undefined;
};

function _create(exchange: Exchange): WireResponse {
  const body = exchange.body;
  if (!isObject(body)) return _invalid("The body must be a JSON object.", null);
  const unknown = firstUnknownKey(body, createFields);
  if (unknown !== undefined) return _invalid(`Extra inputs are not permitted: '${unknown}'.`, unknown);
  if (typeof body.model !== "string" || body.model === "") return _invalid("Field required: 'model'.", "model");
  if (!endpoints.includes(String(body.endpoint))) {
    return _invalid(`Input should be ${endpoints.map((name) => `'${name}'`).join(", ")}.`, "endpoint");
  }
  if (body.endpoint !== openaiChatEndpoint.path) {
    return _invalid("The fake provider server runs Mistral batches for /v1/chat/completions only.", "endpoint");
  }
  const fileIds = body.input_files;
  if (!Array.isArray(fileIds) || fileIds.length === 0 || !fileIds.every((id) => typeof id === "string")) {
    return _invalid("'input_files' must be a non-empty list of file ids.", "input_files");
  }
  const book = exchange.batches;
  let text = "";
  for (const id of fileIds as string[]) {
    const file = book.file("openai", id);
    if (!file) return mistralError({ status: 404, message: `File ${id} not found.`, param: "input_files" });
    if (file.purpose !== "batch") {
      return _invalid(
        `File ${id} has purpose '${file.purpose}'; batch input files need purpose 'batch'.`,
        "input_files",
      );
    }
    text += `${file.bytes.toString("utf8")}\n`;
  }
  const input = readOpenAIBatchInput(text, openaiChatEndpoint, exchange, { url: undefined, model: body.model });
  const details: MistralJobDetails = {
    endpoint: String(body.endpoint),
    model: body.model,
    inputFiles: fileIds as string[],
    metadata: isObject(body.metadata) ? (body.metadata as Record<string, string>) : null,
    errors: input.ok ? [] : input.errors.map((error) => ({ message: error.message, count: 1 })),
    resultFiles: undefined,
  };
  const batch = book.create("openai", randomUUID(), input.ok ? input.items : [], details);
  if (!input.ok) {
    batch.endState = "failed";
    batch.endedAt = Date.now();
  }
  return openaiSuccess(_render(batch, book, "in-progress"));
}

/** Newest first, `page` from 0, `page_size` up to 100 (`total` counts every job). */
function _list(exchange: Exchange): WireResponse {
  const params = exchange.url.searchParams;
  const page = Number(params.get("page") ?? 0);
  const size = Number(params.get("page_size") ?? 100);
  if (!Number.isInteger(page) || page < 0) return _invalid("'page' must be an integer from 0.", "page");
  if (!Number.isInteger(size) || size < 1 || size > 100) {
    return _invalid("'page_size' must be an integer from 1 to 100.", "page_size");
  }
  const book = exchange.batches;
  const all = book.list("openai");
  const data = all.slice(page * size, (page + 1) * size).map((batch) => _render(batch, book, book.state(batch)));
  return openaiSuccess({ object: "list", data, total: all.length });
}

function _render(batch: FakeBatch, book: BatchBook, state: FakeBatchState): unknown {
  const details = batch.details as MistralJobDetails;
  const ended = state !== "in-progress";
  const files = ended ? _resultFiles(batch, book, details) : undefined;
  const processed = ended ? book.processed(batch).filter((entry) => entry.processed) : [];
  const succeeded = processed.filter(({ item }) => item.outcome.status < 400).length;
  return {
    id: batch.id,
    object: "batch",
    input_files: details.inputFiles,
    metadata: details.metadata,
    endpoint: details.endpoint,
    model: details.model,
    agent_id: null,
    output_file: files?.output ?? null,
    error_file: files?.error ?? null,
    errors: state === "failed" ? _failure(details) : [],
    status: _status(batch, state),
    created_at: _seconds(batch.createdAt),
    total_requests: batch.items.length,
    completed_requests: processed.length,
    succeeded_requests: succeeded,
    failed_requests: processed.length - succeeded,
    started_at: batch.polls > 0 ? _seconds(batch.createdAt) : null,
    completed_at: batch.endedAt === undefined ? null : _seconds(batch.endedAt),
  };
}

function _status(batch: FakeBatch, state: FakeBatchState): string {
  switch (state) {
    case "in-progress":
      if (batch.cancelRequested) return "CANCELLATION_REQUESTED";
      return batch.polls === 0 ? "QUEUED" : "RUNNING";
    case "completed":
      return "SUCCESS";
    case "expired":
      return "TIMEOUT_EXCEEDED";
    case "cancelled":
      return "CANCELLED";
    default:
      return "FAILED";
  }
}

function _failure(details: MistralJobDetails): unknown {
  return details.errors.length > 0 ? details.errors : [{ message: "The batch job failed.", count: 1 }];
}

/** Answers to the output file, failures to the error file; requests never processed are in neither. */
function _resultFiles(
  batch: FakeBatch,
  book: BatchBook,
  details: MistralJobDetails,
): { readonly output: string | null; readonly error: string | null } {
  if (details.resultFiles) return details.resultFiles;
  const output: string[] = [];
  const errors: string[] = [];
  if (book.state(batch) !== "failed") {
    for (const { item, processed } of book.processed(batch)) {
      if (!processed) continue;
      const { status, body } = item.outcome;
      const line = JSON.stringify({
        id: `batch-${batch.id}-${item.customId}`,
        custom_id: item.customId,
        response: { status_code: status, body },
        error: null,
      });
      (status < 400 ? output : errors).push(line);
    }
  }
  const save = (lines: readonly string[], kind: string): string | null =>
    lines.length === 0
      ? null
      : saveOpenAIFile(book, `${batch.id}_${kind}.jsonl`, "batch_result", Buffer.from(`${lines.join("\n")}\n`)).id;
  details.resultFiles = { output: save(output, "output"), error: save(errors, "error") };
  return details.resultFiles;
}

function _invalid(message: string, param: string | null): WireResponse {
  return mistralError({ status: 400, message, param });
}

function _noSuchJob(id: string): WireResponse {
  return mistralError({ status: 404, message: `Batch job ${id} not found.` });
}

function _seconds(milliseconds: number): number {
  return Math.floor(milliseconds / 1000);
}
