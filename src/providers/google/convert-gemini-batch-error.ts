/**
 * The error of one batch request (a `google.rpc.Status`) → a classified
 * `ProviderError`, so a failed batch item reads like a failed direct call.
 *
 * @see https://github.com/googleapis/googleapis/blob/master/google/rpc/code.proto
 */
import { type ProviderError, providerError } from "../../core/errors.js";

/**
 * Classify a batch item's `error`. Its `code` is the HTTP status in what the
 * API has shown so far (`{code: 500, message, status: "INTERNAL"}`), but a
 * `google.rpc.Status` may carry a gRPC code (3, 8, 13...): those are mapped
 * to the HTTP status Google's REST APIs use for them.
 */
export function convertGeminiBatchError(
  error: Readonly<Record<string, unknown>>,
  model: string | undefined,
): ProviderError {
  const code = typeof error["code"] === "number" ? error["code"] : undefined;
  const statusCode = code === undefined ? undefined : code >= 100 ? code : (grpcToHttp[code] ?? 500);
  const providerMessage = typeof error["message"] === "string" ? error["message"] : undefined;
  return providerError({ provider: "google", model, statusCode, providerMessage });
}

// --- internal ---

/** gRPC code → HTTP status (google/rpc/code.proto's "HTTP Mapping"). */
const grpcToHttp: Readonly<Record<number, number>> = {
  1: 499, // CANCELLED
  2: 500, // UNKNOWN
  3: 400, // INVALID_ARGUMENT
  4: 504, // DEADLINE_EXCEEDED
  5: 404, // NOT_FOUND
  6: 409, // ALREADY_EXISTS
  7: 403, // PERMISSION_DENIED
  8: 429, // RESOURCE_EXHAUSTED
  9: 400, // FAILED_PRECONDITION
  10: 409, // ABORTED
  11: 400, // OUT_OF_RANGE
  12: 501, // UNIMPLEMENTED
  13: 500, // INTERNAL
  14: 503, // UNAVAILABLE
  15: 500, // DATA_LOSS
  16: 401, // UNAUTHENTICATED
};
