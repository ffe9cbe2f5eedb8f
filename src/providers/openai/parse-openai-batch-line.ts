/**
 * One line of an OpenAI batch output or error file → a per-request result.
 * Lines come from a file on disk or the network, so nothing here throws: a
 * line that cannot be read becomes a warning.
 *
 * @see https://platform.openai.com/docs/api-reference/batch/request-output
 */
import { providerError } from "../../core/errors.js";
import type { BatchItemResult } from "../provider.js";
import { fromOpenAIChatBody } from "./from-openai-chat-body.js";
import { fromOpenAIResponsesBody } from "./from-openai-responses-body.js";
import { isRecord, stringOrUndefined } from "./json-record.js";
import { fromOpenAIEmbeddingLine } from "./openai-embeddings.js";

/** The endpoints parallellm submits batches for. */
export type OpenAIBatchEndpoint = "/v1/responses" | "/v1/chat/completions" | "/v1/embeddings";

/** What a line is read by: its batch's endpoint and model, and the provider's name (`"openai"` when not given). */
export interface OpenAIBatchOf {
  readonly endpoint: OpenAIBatchEndpoint;
  readonly model: string | undefined;
  readonly provider?: string | undefined;
}

/** A readable line's result, or why the line was skipped. */
export type ParsedOpenAIBatchLine = { readonly result: BatchItemResult } | { readonly warning: string };

/**
 * - `response.status_code` 2xx → `succeeded`, the body parsed by the batch's endpoint.
 * - `response.status_code` ≥ 400 → `failed` with a classified `ProviderError`
 *   (status, `body.error.message`, `request_id`).
 * - `response: null` with `error.code` `batch_expired` / `batch_cancelled` →
 *   `expired` / `cancelled`; any other code (`request_timeout`) → `failed`
 *   with no HTTP status (a network failure, so retryable).
 */
export function parseOpenAIBatchLine(line: string, batch: OpenAIBatchOf): ParsedOpenAIBatchLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { warning: `not valid JSON (${_preview(line)})` };
  }
  if (!isRecord(value)) return { warning: `not a JSON object (${_preview(line)})` };
  const customId = value["custom_id"];
  if (typeof customId !== "string" || customId === "") return { warning: `no custom_id (${_preview(line)})` };
  const response = value["response"];
  const error = value["error"];
  if (isRecord(response) && typeof response["status_code"] === "number") {
    return _fromResponse(customId, response, response["status_code"], batch);
  }
  if (isRecord(error) && typeof error["code"] === "string") {
    return { result: _fromError(customId, error["code"], stringOrUndefined(error["message"]), batch) };
  }
  return { warning: `custom_id "${customId}" has neither a response nor an error code (${_preview(line)})` };
}

// --- internal ---

function _fromResponse(
  customId: string,
  response: Record<string, unknown>,
  statusCode: number,
  batch: OpenAIBatchOf,
): ParsedOpenAIBatchLine {
  const body = response["body"];
  if (statusCode >= 200 && statusCode < 300) {
    if (!isRecord(body)) return { warning: `custom_id "${customId}" succeeded but has no response body` };
    try {
      const result =
        batch.endpoint === "/v1/embeddings"
          ? fromOpenAIEmbeddingLine(body)
          : batch.endpoint === "/v1/chat/completions"
            ? fromOpenAIChatBody(body)
            : fromOpenAIResponsesBody(body);
      return { result: { customId, status: "succeeded", result } };
    } catch (error) {
      return { warning: `custom_id "${customId}" succeeded without a readable answer (${(error as Error).message})` };
    }
  }
  if (statusCode < 400) return { warning: `custom_id "${customId}" has an unexpected status_code ${statusCode}` };
  // OpenAI nests the message (`{ error: { message } }`); Mistral's bodies carry it flat (`{ message }`).
  const errorBody = isRecord(body) ? (isRecord(body["error"]) ? body["error"] : body) : {};
  const error = providerError({
    provider: batch.provider ?? "openai",
    model: batch.model,
    statusCode,
    providerMessage: stringOrUndefined(errorBody["message"]),
    requestId: stringOrUndefined(response["request_id"]),
  });
  return { result: { customId, status: "failed", error } };
}

function _fromError(
  customId: string,
  code: string,
  message: string | undefined,
  batch: OpenAIBatchOf,
): BatchItemResult {
  if (code === "batch_expired") return { customId, status: "expired" };
  if (code === "batch_cancelled") return { customId, status: "cancelled" };
  const providerMessage = message ? `${message} (${code})` : code;
  return {
    customId,
    status: "failed",
    error: providerError({ provider: batch.provider ?? "openai", model: batch.model, providerMessage }),
  };
}

function _preview(line: string): string {
  return line.length > 80 ? `${line.slice(0, 80)}…` : line;
}
