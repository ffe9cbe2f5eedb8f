/**
 * Reads an OpenAI batch input file (JSONL) the way the Batch API validates it,
 * and prepares every request's outcome: what the direct endpoint would answer.
 *
 * @see https://platform.openai.com/docs/api-reference/batch/request-input
 */
import type { FakeBatchItem } from "./batch-book.js";
import { isObject, stringOf } from "./json-shape.js";
import type { OpenAIEndpoint } from "./openai-endpoint.js";
import { openaiError } from "./openai-respond.js";
import type { Exchange } from "./provider-routes.js";

/** One entry of a failed batch's `errors.data`. */
export interface OpenAIBatchError {
  readonly code: string;
  /** 1-based line of the input file; `null` for problems of the whole file. */
  readonly line: number | null;
  readonly message: string;
  readonly param: string | null;
}

/** The requests of a valid file with their outcomes, or why the batch fails. */
export type OpenAIBatchInput =
  | { readonly ok: true; readonly items: readonly FakeBatchItem[]; readonly model: string | undefined }
  | { readonly ok: false; readonly errors: readonly OpenAIBatchError[] };

/**
 * What each line carries: `method` and `url` (the batch's `endpoint` as
 * created), or only `custom_id` and `body` (`url: undefined`, Mistral's); and
 * the batch's own model when it names one (Mistral's), which a body may leave out.
 */
export interface LineShape {
  readonly url: string | undefined;
  readonly model?: string | undefined;
}

/** Requests per batch file (providers.md §1.8). */
const maxRequests = 50_000;

/**
 * Checks every line (JSON, unique `custom_id`, `method: "POST"` and `url` equal
 * to the batch's `endpoint` as created, one model); when all pass, prepares each request's
 * outcome as the direct endpoint would: `failRequest`'s status, else a
 * validation error, else the answer (using up scripted replies).
 */
export function readOpenAIBatchInput(
  text: string,
  endpoint: OpenAIEndpoint,
  exchange: Pick<Exchange, "answer" | "batches">,
  shape: LineShape = { url: endpoint.path },
): OpenAIBatchInput {
  const lines = _parseLines(text, shape);
  const errors = lines.flatMap((line) => (line.ok ? [] : [line.error]));
  if (lines.length === 0) errors.push(_fileError("empty_file", "The batch input file is empty."));
  if (lines.length > maxRequests) {
    errors.push(
      _fileError("too_many_tasks", `The batch input file has ${lines.length} requests; the limit is ${maxRequests}.`),
    );
  }
  const requests = lines.flatMap((line) => (line.ok ? [line] : []));
  errors.push(..._duplicateIds(requests), ..._modelMismatches(requests));
  if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) };

  const items = requests.map(({ customId, body }): FakeBatchItem => {
    const context = { provider: "openai" as const, path: endpoint.path, body, ...endpoint.describe(body) };
    const problem = exchange.batches.failureFor(context, customId) ?? endpoint.validate(body);
    const outcome = problem
      ? { status: problem.status, body: openaiError(problem).body }
      : { status: 200, body: endpoint.render(body, exchange.answer(context)) };
    return { customId, context, outcome };
  });
  return { ok: true, items, model: stringOf(requests[0]?.body.model) };
}

// --- internal ---

type ParsedLine =
  | { readonly ok: true; readonly line: number; readonly customId: string; readonly body: Record<string, unknown> }
  | { readonly ok: false; readonly error: OpenAIBatchError };

function _parseLines(text: string, shape: LineShape): ParsedLine[] {
  const parsed: ParsedLine[] = [];
  for (const [index, raw] of text.split("\n").entries()) {
    // Blank lines (a trailing newline, say) hold no request.
    if (raw.trim() === "") continue;
    parsed.push(_parseLine(raw, index + 1, shape));
  }
  return parsed;
}

function _parseLine(raw: string, line: number, { url, model }: LineShape): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    value = undefined;
  }
  const fail = (code: string, message: string, param: string | null): ParsedLine => ({
    ok: false,
    error: { code, line, message, param },
  });
  if (!isObject(value)) return fail("invalid_json_line", "This line is not parseable as valid JSON.", null);
  for (const field of url === undefined ? ["custom_id", "body"] : ["custom_id", "method", "url", "body"]) {
    if (value[field] === undefined) {
      return fail("missing_required_parameter", `Missing required parameter: '${field}'.`, field);
    }
  }
  if (typeof value.custom_id !== "string" || value.custom_id === "") {
    return fail("invalid_custom_id", "The custom_id must be a non-empty string.", "custom_id");
  }
  if (url !== undefined && value.method !== "POST") {
    return fail("invalid_method", `Invalid method '${String(value.method)}'; batch requests use 'POST'.`, "method");
  }
  if (url !== undefined && value.url !== url) {
    return fail(
      "url_mismatch",
      `The url '${String(value.url)}' does not match the batch endpoint '${url}'. Every line must use the batch's endpoint.`,
      "url",
    );
  }
  if (!isObject(value.body)) return fail("invalid_body", "The body of a batch request must be an object.", "body");
  if (model !== undefined && value.body.model !== undefined && value.body.model !== model) {
    return fail(
      "model_mismatch",
      `The model '${String(value.body.model)}' is not the batch's model '${model}'.`,
      "body.model",
    );
  }
  const body = model === undefined ? value.body : { ...value.body, model };
  return { ok: true, line, customId: value.custom_id, body };
}

function _duplicateIds(requests: readonly Extract<ParsedLine, { ok: true }>[]): OpenAIBatchError[] {
  const seen = new Set<string>();
  const errors: OpenAIBatchError[] = [];
  for (const request of requests) {
    if (seen.has(request.customId)) {
      errors.push({
        code: "duplicate_custom_id",
        line: request.line,
        message:
          "The custom_id for this request is a duplicate of another request. The custom_id parameter must be unique for each request in a batch.",
        param: "custom_id",
      });
    }
    seen.add(request.customId);
  }
  return errors;
}

function _modelMismatches(requests: readonly Extract<ParsedLine, { ok: true }>[]): OpenAIBatchError[] {
  const first = requests.find((request) => typeof request.body.model === "string")?.body.model;
  return requests
    .filter((request) => typeof request.body.model === "string" && request.body.model !== first)
    .map((request) => ({
      code: "model_mismatch",
      line: request.line,
      message: `The model '${String(request.body.model)}' does not match the model '${String(first)}' of the other requests. A batch file must use a single model.`,
      param: "body.model",
    }));
}

function _fileError(code: string, message: string): OpenAIBatchError {
  return { code, line: null, message, param: null };
}
