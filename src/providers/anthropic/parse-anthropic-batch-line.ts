/**
 * One line of a Message Batches results file → a per-request outcome, or the
 * reason the line cannot be read.
 *
 * @see https://docs.claude.com/en/api/retrieving-message-batch-results
 */
import { providerError } from "../../core/errors.js";
import type { BatchItemResult } from "../provider.js";
import { fromAnthropicMessage } from "./from-anthropic-message.js";
import { mapAnthropicErrorType } from "./map-anthropic-error-type.js";

/** A read line, or why it was not read (the caller skips it and reports the problem). */
export type ParsedAnthropicBatchLine =
  | { readonly ok: true; readonly item: BatchItemResult }
  | { readonly ok: false; readonly problem: string };

/**
 * Read `{"custom_id", "result": {"type": "succeeded" | "errored" | "canceled" | "expired", ...}}`.
 * An `errored` result becomes a `ProviderError` whose status comes from the
 * error type; an unknown type gives no status, so the failure counts as
 * transient. Never throws: a line that is not JSON, has no `custom_id`, an
 * unknown result type or an unreadable message gives a problem instead of a guess.
 */
export function parseAnthropicBatchLine(line: string): ParsedAnthropicBatchLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { ok: false, problem: `not valid JSON: ${_excerpt(line)}` };
  }
  const fields = _object(value);
  if (!fields) return { ok: false, problem: `not a JSON object: ${_excerpt(line)}` };
  const customId = fields["custom_id"];
  if (typeof customId !== "string" || customId === "") {
    return { ok: false, problem: `no custom_id: ${_excerpt(line)}` };
  }
  const result = _object(fields["result"]);
  switch (result?.["type"]) {
    case "succeeded":
      return _succeeded(customId, result["message"]);
    case "errored":
      return { ok: true, item: { customId, status: "failed", error: _error(result["error"]) } };
    case "canceled":
      return { ok: true, item: { customId, status: "cancelled" } };
    case "expired":
      return { ok: true, item: { customId, status: "expired" } };
    default:
      return {
        ok: false,
        problem: `custom_id "${customId}" has no known result type (succeeded, errored, canceled, expired): ${_excerpt(line)}`,
      };
  }
}

// --- internal ---

function _succeeded(customId: string, message: unknown): ParsedAnthropicBatchLine {
  try {
    return { ok: true, item: { customId, status: "succeeded", result: fromAnthropicMessage(message) } };
  } catch (error) {
    return { ok: false, problem: `custom_id "${customId}" succeeded without a readable message: ${String(error)}` };
  }
}

/** `error` is an Anthropic error body: `{ type: "error", error: { type, message }, request_id }`. */
function _error(error: unknown) {
  const body = _object(error) ?? {};
  const inner = _object(body["error"]) ?? {};
  const type = typeof inner["type"] === "string" ? inner["type"] : undefined;
  const message = typeof inner["message"] === "string" ? inner["message"] : undefined;
  const requestId = body["request_id"];
  const statusCode = mapAnthropicErrorType(type);
  // With no status to tell what went wrong, the unknown type is kept in the message.
  const prefix = statusCode === undefined && type !== undefined && message !== undefined ? `${type}: ` : "";
  return providerError({
    provider: "anthropic",
    statusCode,
    providerMessage: prefix + (message ?? type ?? "errored without an error message"),
    ...(typeof requestId === "string" && requestId !== "" ? { requestId } : {}),
  });
}

function _object(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function _excerpt(line: string): string {
  return JSON.stringify(line.length > 120 ? `${line.slice(0, 120)}…` : line);
}
