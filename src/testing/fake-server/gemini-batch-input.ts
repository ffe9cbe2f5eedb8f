/**
 * Creating a Gemini batch from inline input, shared by `:batchGenerateContent`
 * and `:asyncBatchEmbedContent`: the same envelope
 * (`batch.inputConfig.requests.requests[]`, each `{request, metadata?}`),
 * the same 20 MB limit, file input refused, the same Operation. Only the check
 * and the answer of each `request` differ.
 */
import type { FakeBatchItem } from "./batch-book.js";
import { type GeminiBatchDetails, renderBatchOperation } from "./gemini-batch-operation.js";
import { geminiError, geminiSuccess } from "./gemini-respond.js";
import { eitherCase } from "./gemini-validation.js";
import { isObject, stringOf } from "./json-shape.js";
import type { Exchange, ProviderFailure, WireResponse } from "./provider-routes.js";

/** One inline request as it arrived. */
export interface GeminiInlineEntry {
  readonly request: Record<string, unknown>;
  readonly metadata: Record<string, unknown> | undefined;
}

export type GeminiBatchInput =
  | { readonly displayName: string | undefined; readonly entries: readonly GeminiInlineEntry[] }
  | { readonly failure: ProviderFailure };

/** How one kind of batch checks its body. */
export interface GeminiBatchInputRules {
  /** The request message the API names in its errors, e.g. `BatchGenerateContentRequest`. */
  readonly messageName: string;
  /** The first problem with one entry's `request`. */
  readonly validateRequest: (request: Record<string, unknown>) => ProviderFailure | undefined;
}

/**
 * A create route's answer: the body read by `rules`, each entry answered now by
 * `prepare` and released as the batch progresses (batch-book.ts), and the new
 * batch's Operation; or the API's refusal of the body. `model` comes from the path.
 */
export function createGeminiBatch(
  exchange: Exchange,
  kind: GeminiBatchDetails["kind"],
  rules: GeminiBatchInputRules,
  prepare: (model: string, entry: GeminiInlineEntry, index: number) => FakeBatchItem,
): WireResponse {
  const input = readGeminiBatchInput(exchange.body, exchange.rawBody.length, rules);
  if ("failure" in input) return geminiError(input.failure);
  const model = exchange.params.model!;
  const items = input.entries.map((entry, index) => prepare(model, entry, index));
  const details: GeminiBatchDetails = {
    kind,
    model: `models/${model}`,
    displayName: input.displayName,
    metadata: input.entries.map((entry) => entry.metadata),
  };
  const batch = exchange.batches.create(
    "google",
    `batches/${exchange.batches.nextId("")}`,
    items,
    details as unknown as Record<string, unknown>,
  );
  return geminiSuccess(renderBatchOperation(exchange.batches, batch, { withOutput: true }));
}

/**
 * The display name and inline requests of a create body (camelCase or
 * snake_case) of `rawBytes` bytes, or why the API refuses it.
 */
export function readGeminiBatchInput(body: unknown, rawBytes: number, rules: GeminiBatchInputRules): GeminiBatchInput {
  if (rawBytes > maxInlineBytes) {
    return { failure: { status: 400, message: `Request payload size exceeds the limit: ${maxInlineBytes} bytes.` } };
  }
  const invalid = (field: string, description: string): GeminiBatchInput => ({
    failure: { status: 400, message: `* ${rules.messageName}.${field}: ${description}\n`, param: field },
  });
  const batch = isObject(body) ? eitherCase(body, "batch") : undefined;
  if (!isObject(batch)) return invalid("batch", "batch is required");
  const inputConfig = eitherCase(batch, "inputConfig");
  if (!isObject(inputConfig)) return invalid("batch.input_config", "input_config is required");
  if (eitherCase(inputConfig, "fileName") !== undefined) {
    return {
      failure: {
        status: 400,
        message:
          "Batch input from a file (input_config.file_name) is not supported by the fake server; send inline requests.",
        param: "batch.input_config.file_name",
      },
    };
  }
  const requests = isObject(inputConfig.requests) ? inputConfig.requests.requests : undefined;
  if (!Array.isArray(requests) || requests.length === 0) {
    return invalid("batch.input_config.requests.requests", "at least one request is required");
  }
  const entries: GeminiInlineEntry[] = [];
  for (const [index, entry] of requests.entries()) {
    const field = `batch.input_config.requests.requests[${index}]`;
    if (!isObject(entry) || !isObject(entry.request)) return invalid(`${field}.request`, "request is required");
    const problem = rules.validateRequest(entry.request);
    if (problem) return { failure: { ...problem, message: `${field}.request: ${problem.message}` } };
    if (entry.metadata !== undefined && !isObject(entry.metadata)) {
      return invalid(`${field}.metadata`, "metadata must be an object");
    }
    entries.push({ request: entry.request, metadata: entry.metadata });
  }
  return { displayName: stringOf(eitherCase(batch, "displayName")), entries };
}

// --- internal ---

/** The largest inline create request the API takes (the 20 MB inline limit). */
const maxInlineBytes = 20 * 1024 * 1024;
