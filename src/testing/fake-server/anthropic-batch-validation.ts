/**
 * Checks Message Batches create bodies and list queries the way the API does:
 * each `params` must be a valid Messages body, so one bad request refuses the
 * whole batch (providers.md §2.1).
 */
import { type AnthropicVersion, validateMessagesBody } from "./anthropic-validation.js";
import { firstUnknownKey, isObject, jsonTypeName } from "./json-shape.js";
import type { ProviderFailure } from "./provider-routes.js";

/** Requests per batch (providers.md §2.1). */
export const anthropicBatchMaxRequests = 100_000;

/** Bytes per create request (providers.md §2.1: 256 MB, refused with 413). */
export const anthropicBatchMaxBytes = 256 * 1024 * 1024;

/** The older docs' `custom_id` rule (unverified, providers.md §7). */
const customIdPattern = /^[a-zA-Z0-9_-]{1,64}$/;

const requestFields = new Set(["custom_id", "params"]);

/** The first problem with a `POST /v1/messages/batches` body. */
export function validateBatchCreateBody(body: unknown, version: AnthropicVersion): ProviderFailure | undefined {
  if (!isObject(body)) return _invalid(`body: Input should be a valid dictionary, got ${jsonTypeName(body)}`);
  const unknown = firstUnknownKey(body, new Set(["requests"]));
  if (unknown !== undefined) return _invalid(`${unknown}: Extra inputs are not permitted`);
  const requests = body.requests;
  if (requests === undefined) return _invalid("requests: Field required");
  if (!Array.isArray(requests)) return _invalid("requests: Input should be a valid list");
  if (requests.length === 0) return _invalid("requests: List should have at least 1 item after validation, not 0");
  if (requests.length > anthropicBatchMaxRequests) {
    return _invalid(
      `requests: List should have at most ${anthropicBatchMaxRequests} items after validation, not ${requests.length}`,
    );
  }
  const seen = new Set<string>();
  for (const [index, request] of requests.entries()) {
    const problem = _checkRequest(request, `requests.${index}`, version, seen);
    if (problem) return problem;
  }
  return undefined;
}

/** The first problem with the query of `GET /v1/messages/batches`; the page size otherwise. */
export function readBatchListQuery(
  url: URL,
): { readonly limit: number; readonly afterId?: string; readonly beforeId?: string } | ProviderFailure {
  const limitText = url.searchParams.get("limit");
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    return _invalid("limit: Input should be an integer between 1 and 1000");
  }
  const afterId = url.searchParams.get("after_id") ?? undefined;
  const beforeId = url.searchParams.get("before_id") ?? undefined;
  if (afterId !== undefined && beforeId !== undefined) {
    return _invalid("Only one of before_id and after_id may be given.");
  }
  return { limit, ...(afterId === undefined ? {} : { afterId }), ...(beforeId === undefined ? {} : { beforeId }) };
}

// --- internal ---

function _checkRequest(
  request: unknown,
  path: string,
  version: AnthropicVersion,
  seen: Set<string>,
): ProviderFailure | undefined {
  if (!isObject(request)) return _invalid(`${path}: Input should be a valid dictionary`);
  const unknown = firstUnknownKey(request, requestFields);
  if (unknown !== undefined) return _invalid(`${path}.${unknown}: Extra inputs are not permitted`);
  const customId = request.custom_id;
  if (customId === undefined) return _invalid(`${path}.custom_id: Field required`);
  if (typeof customId !== "string") return _invalid(`${path}.custom_id: Input should be a valid string`);
  if (!customIdPattern.test(customId)) {
    return _invalid(`${path}.custom_id: String should match pattern '${customIdPattern.source}'`);
  }
  if (seen.has(customId)) {
    return _invalid(`${path}.custom_id: Duplicate custom_id '${customId}'; custom_id must be unique within a batch`);
  }
  seen.add(customId);
  if (request.params === undefined) return _invalid(`${path}.params: Field required`);
  if (!isObject(request.params)) return _invalid(`${path}.params: Input should be a valid dictionary`);
  // A batch answers each request whole.
  if (request.params.stream === true) return _invalid(`${path}.params.stream: Streaming is not supported in batches`);
  const problem = validateMessagesBody(request.params, version);
  return problem ? { ...problem, message: `${path}.params.${problem.message ?? "Invalid request."}` } : undefined;
}

function _invalid(message: string): ProviderFailure {
  return { status: 400, message };
}
