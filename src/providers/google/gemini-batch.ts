/**
 * Gemini's Batch API (inline requests, half price) through `@google/genai`:
 * `batches.create` for asks and `batches.createEmbeddings` for embeddings
 * (batches of their own), `get`, `list` and `cancel`, without SDK retries.
 *
 * @see https://ai.google.dev/gemini-api/docs/batch-mode
 */
import type { BatchJob, GoogleGenAI, InlinedRequest } from "@google/genai";
import { ParallellmError } from "../../core/errors.js";
import type { BatchApi, BatchItem } from "../provider.js";
import { checkBatchSubmission } from "../shared/check-batch-submission.js";
import { convertGeminiError } from "./convert-gemini-error.js";
import { fromGeminiResponse } from "./from-gemini-response.js";
import { fromGeminiBatchEmbedding, toGeminiEmbedContentRequest } from "./gemini-batch-embedding.js";
import { mapGeminiBatchState } from "./map-gemini-batch-state.js";
import { type GeminiAnswerReader, readGeminiBatchResponses } from "./read-gemini-batch-responses.js";
import { toGeminiRequest } from "./to-gemini-request.js";
import { toGeminiRestBody } from "./to-gemini-rest-body.js";

/**
 * Per-batch limits for the planner. Gemini documents no request count for an
 * inline batch, only a total under 20 MB, so the default count is our own cap.
 * `maxBytes` counts `inputLine` bytes, and an inline entry
 * (`{"request":…,"metadata":{"key":…}}`) is 13 bytes longer than its line:
 * the default keeps 100,000 entries and the envelope under 20,000,000 bytes.
 */
export interface GeminiBatchLimits {
  /** @default 100_000 */
  readonly maxRequests?: number | undefined;
  /** @default 18_000_000 */
  readonly maxBytes?: number | undefined;
}

/**
 * The Gemini `BatchApi`. `client` is called at the first use, so a provider
 * that only replays needs no key.
 *
 * @example
 * const batch = createGeminiBatchApi(async () => new GoogleGenAI({ apiKey }), { maxRequests: 1000 });
 */
export function createGeminiBatchApi(client: () => Promise<GoogleGenAI>, limits: GeminiBatchLimits = {}): BatchApi {
  const get = (id: string) =>
    _call(undefined, async () => (await client()).batches.get({ name: id, config: oneAttempt }));
  return {
    takesEmbeddings: true,
    limits: {
      maxRequests: limits.maxRequests ?? 100_000,
      maxBytes: limits.maxBytes ?? 18_000_000,
    },
    // The JSONL line of a file batch (providers.md §3.1): the archive keeps what each call asked.
    inputLine: (item) =>
      JSON.stringify({
        key: item.customId,
        request: item.request.embedding ? toGeminiEmbedContentRequest(item.request) : toGeminiRestBody(item.request),
      }),
    async submit({ model, items, tag }) {
      const embeddings = checkBatchSubmission(
        "google",
        model,
        items.map((item) => item.request),
      );
      const job = await _call(model, async () => {
        const sdk = await client();
        return embeddings
          ? _withoutExperimentalNotice(() => sdk.batches.createEmbeddings(_embeddingBatch(model, items, tag)))
          : sdk.batches.create({ model, src: items.map(_inlinedRequest), config: { displayName: tag, ...oneAttempt } });
      });
      if (!job.name) {
        throw new ParallellmError(
          `[google] batches.create answered without a batch name for ${tag}; the next open finds the batch by its display name.`,
        );
      }
      return { id: job.name };
    },
    find: (tag) =>
      _call(undefined, async () => {
        const pager = await (await client()).batches.list({ config: { pageSize: 100, ...oneAttempt } });
        for (;;) {
          const match = pager.page.find((job) => job.displayName === tag && job.name);
          if (match) return match.name;
          // An empty token would make the SDK fetch the first page again, forever.
          if (!pager.params.config?.pageToken) return undefined;
          await pager.nextPage();
        }
      }),
    status: async (id) => {
      const job = await get(id);
      return { ...mapGeminiBatchState(job.state), raw: job };
    },
    async *results(id, ended) {
      const job = (ended?.raw as BatchJob | undefined) ?? (await get(id));
      const { state } = mapGeminiBatchState(job.state);
      if (state === "in-progress") {
        throw new ParallellmError(
          `[google] Batch ${id} has not ended (state ${job.state}); read its results once status() reports it ended.`,
        );
      }
      const output = _output(job);
      if (output) {
        const { responses, readAnswer } = output;
        const batch = { id, model: job.model?.replace(/^models\//, "") };
        for (let start = 0; start < responses.length; start += responsesPerChunk) {
          const chunk = responses.slice(start, start + responsesPerChunk);
          yield { lines: readGeminiBatchResponses(chunk, batch, start, readAnswer) };
        }
        return;
      }
      // Expired and failed batches have no results by design; a succeeded one must have some.
      if (state === "completed") {
        yield {
          lines: [],
          warnings: [
            `[google] Batch ${id} succeeded but carries no inline output (metadata.output${job.dest?.fileName ? `; results file ${job.dest.fileName} is not read` : ""}); its calls will be collected again.`,
          ],
        };
      }
    },
    async cancel(id) {
      await _call(undefined, async () => (await client()).batches.cancel({ name: id, config: oneAttempt }));
    },
  };
}

// --- internal ---

/** Inline results arrive whole with the batch; they are read and stored a few thousand at a time. */
const responsesPerChunk = 5000;

/** One attempt even if an injected client was built with `retryOptions`: strategies retry, and create is not idempotent. */
const oneAttempt = { httpOptions: { retryOptions: { attempts: 1 } } };

/** The SDK form of a batch request: the `contents` and `config` of a direct call, keyed by the call's custom id. */
function _inlinedRequest(item: BatchItem): InlinedRequest {
  const { contents, config } = toGeminiRequest(item.request);
  return { contents, config, metadata: { key: item.customId } } as InlinedRequest;
}

/** What `batches.createEmbeddings` prints as it begins, at every call. */
const experimentalNotice = "batches.createEmbeddings() is experimental";

/**
 * Calls `create` without the console notice `batches.createEmbeddings` prints at every
 * call: it tells whoever calls the SDK (parallellm, not the user) that the method may
 * change, and would tear the live dashboard's frame. The SDK prints it synchronously as
 * the call begins, so `console.warn` is filtered for that synchronous part alone, and
 * only that message is held back.
 */
function _withoutExperimentalNotice<T>(create: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === "string" && args[0].startsWith(experimentalNotice)) return;
    warn.apply(console, args);
  };
  try {
    return create();
  } finally {
    console.warn = warn;
  }
}

/**
 * The parameters of `batches.createEmbeddings` for embedding `items`. The SDK
 * gives every request one shared config and no `metadata`, so the keyed
 * requests (each with its own task type and length) go in the body through
 * `extraBody`, the SDK's way to send fields it does not model; `src` stays empty.
 */
function _embeddingBatch(model: string, items: readonly BatchItem[], tag: string) {
  const requests = items.map((item) => ({
    request: toGeminiEmbedContentRequest(item.request),
    metadata: { key: item.customId },
  }));
  return {
    model,
    src: { inlinedRequests: {} },
    config: {
      displayName: tag,
      httpOptions: { ...oneAttempt.httpOptions, extraBody: { batch: { inputConfig: { requests: { requests } } } } },
    },
  };
}

/**
 * The inline responses of an ended batch and how to read each. The SDK moves
 * them to `inlinedEmbedContentResponses` when one holds an embedding; raw
 * output (or an SDK that does not) is told apart by that same field.
 */
function _output(
  job: BatchJob,
): { readonly responses: readonly unknown[]; readonly readAnswer: GeminiAnswerReader } | undefined {
  const embedded = job.dest?.inlinedEmbedContentResponses;
  if (embedded) return { responses: embedded, readAnswer: fromGeminiBatchEmbedding };
  const responses = job.dest?.inlinedResponses;
  if (!responses) return undefined;
  const holdsEmbeddings = responses.some(
    (entry) => (entry.response as { embedding?: unknown } | undefined)?.embedding !== undefined,
  );
  return { responses, readAnswer: holdsEmbeddings ? fromGeminiBatchEmbedding : fromGeminiResponse };
}

async function _call<T>(model: string | undefined, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw convertGeminiError(error, model) ?? error;
  }
}
