/**
 * The OpenAI Files API as far as batches need it: multipart upload, the file
 * object, and the raw content (fixture `openai.file_upload_response`).
 *
 * @see https://platform.openai.com/docs/api-reference/files
 */
import type { BatchBook, FakeFile } from "./batch-book.js";
import { openaiError, openaiSuccess } from "./openai-respond.js";
import { invalidValue, missingParameter } from "./openai-validation.js";
import type { Route, WireResponse } from "./provider-routes.js";
import { headerValue } from "./request-headers.js";

/** Batch input files may hold at most this many bytes (providers.md §1.3). */
const maxBatchFileBytes = 200 * 1024 * 1024;

/** Uploaded files expire after 30 days unless `expires_after` says otherwise. */
const defaultLifetimeSeconds = 30 * 24 * 3600;

const purposes = ["assistants", "batch", "fine-tune", "vision", "user_data", "evals"];

/** `POST /v1/files`, `GET /v1/files/{id}`, `GET /v1/files/{id}/content`. */
export const openaiFilesRoutes: readonly Route[] = [
  {
    method: "POST",
    pattern: /^\/v1\/files$/,
    handle: async (exchange) => {
      const contentType = headerValue(exchange.headers, "content-type") ?? "";
      if (!contentType.startsWith("multipart/form-data")) {
        return openaiError({
          status: 400,
          message: `Invalid Content-Type header (${contentType || "none"}), expected multipart/form-data.`,
          code: null,
        });
      }
      const form = await _readForm(exchange.rawBody, contentType);
      if (!form) return openaiError({ status: 400, message: "The multipart body could not be parsed.", code: null });
      return _upload(exchange.batches, form);
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/files\/(?<id>[^/]+)$/,
    handle(exchange) {
      const file = exchange.batches.file("openai", exchange.params.id);
      return file ? openaiSuccess(renderOpenAIFile(file)) : noSuchFile(exchange.params.id, "id");
    },
  },
  {
    method: "GET",
    pattern: /^\/v1\/files\/(?<id>[^/]+)\/content$/,
    handle(exchange) {
      const file = exchange.batches.file("openai", exchange.params.id);
      // A Buffer body goes out as-is, `application/octet-stream` like the API's.
      return file ? openaiSuccess(file.bytes) : noSuchFile(exchange.params.id, "id");
    },
  },
];

/** Stores bytes as an OpenAI file (uploads and batch output files). */
export function saveOpenAIFile(book: BatchBook, filename: string, purpose: string, bytes: Buffer): FakeFile {
  const file: FakeFile = {
    id: book.nextId("file-"),
    provider: "openai",
    filename,
    purpose,
    bytes,
    createdAt: Date.now(),
  };
  book.saveFile(file);
  return file;
}

/** The file object the API returns for `file`. */
export function renderOpenAIFile(file: FakeFile): unknown {
  const createdAt = Math.floor(file.createdAt / 1000);
  return {
    id: file.id,
    object: "file",
    bytes: file.bytes.length,
    created_at: createdAt,
    expires_at: createdAt + defaultLifetimeSeconds,
    filename: file.filename,
    purpose: file.purpose,
    status: "processed",
    status_details: null,
  };
}

/** 404 for an unknown file id. */
export function noSuchFile(id: string, param: string): WireResponse {
  return openaiError({ status: 404, message: `No such File object: ${id}`, param, code: null });
}

// --- internal ---

async function _readForm(rawBody: Buffer, contentType: string): Promise<FormData | undefined> {
  try {
    return await new Response(rawBody, { headers: { "content-type": contentType } }).formData();
  } catch {
    return undefined;
  }
}

async function _upload(book: BatchBook, form: FormData): Promise<WireResponse> {
  const file = form.get("file");
  const purpose = form.get("purpose");
  if (!(file instanceof File)) return openaiError(missingParameter("file"));
  if (typeof purpose !== "string") return openaiError(missingParameter("purpose"));
  if (!purposes.includes(purpose)) return openaiError(invalidValue("purpose", purpose, purposes));
  const bytes = Buffer.from(await file.arrayBuffer());
  if (purpose === "batch" && !file.name.endsWith(".jsonl")) {
    return openaiError({ status: 400, message: "Invalid file format for Batch API. Must be .jsonl", code: null });
  }
  if (purpose === "batch" && bytes.length > maxBatchFileBytes) {
    return openaiError({ status: 400, message: "File is too large.", code: null });
  }
  return openaiSuccess(renderOpenAIFile(saveOpenAIFile(book, file.name, purpose, bytes)));
}
