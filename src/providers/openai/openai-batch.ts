/**
 * The OpenAI Batch API: upload a JSONL file, create a batch for one endpoint,
 * poll it, download the output and error files. Through the official SDK,
 * without its retries (strategies retry).
 *
 * @see https://platform.openai.com/docs/guides/batch
 */
import { openAsBlob } from "node:fs";
import type OpenAI from "openai";
import { ParallellmError } from "../../core/errors.js";
import { embeddedText } from "../../core/prepare-embed-call.js";
import type { BatchApi } from "../provider.js";
import { checkBatchSubmission } from "../shared/check-batch-submission.js";
import { jsonLineChunks } from "../shared/json-line-chunks.js";
import { convertOpenAIError } from "./convert-openai-error.js";
import { mapOpenAIBatchStatus } from "./map-openai-batch-status.js";
import { toOpenAIEmbeddingBody } from "./openai-embeddings.js";
import { batchEndpointOf, type OpenAIWire } from "./openai-wire.js";
import type { OpenAIBatchEndpoint } from "./parse-openai-batch-line.js";
import { readOpenAIBatchLines } from "./read-openai-batch-lines.js";
import { toOpenAIChatBody } from "./to-openai-chat-body.js";
import { toOpenAIResponsesBody } from "./to-openai-responses-body.js";

/** Per-batch limits of the OpenAI Batch API: 50,000 requests and 200 MB per input file. */
export const openaiBatchLimits: BatchApi["limits"] = { maxRequests: 50_000, maxBytes: 200 * 1024 * 1024 };

/** How a provider's Batch API is reached and named. */
export interface OpenAIBatchSettings {
  /** The provider's name, in its errors and warnings. */
  readonly name: string;
  /** What its wire does differently from OpenAI's (endpoint names, completion window). */
  readonly wire: OpenAIWire;
  /** Chat Completions (the provider's `api: "chat"`) rather than Responses. */
  readonly chat: boolean;
  /** The wire's name of that endpoint (`wire.batchEndpoints`). */
  readonly url: string;
  readonly limits?: Partial<BatchApi["limits"]> | undefined;
}

/**
 * The OpenAI `BatchApi`, for OpenAI and the providers that copy its Batch
 * API. `client` is called only when a batch call is made, so a provider that
 * never batches never needs a key.
 *
 * Every batch goes to one endpoint: chat completions when `chat`, responses
 * otherwise, as the wire names them. The submission's `tag` is kept in the batch's
 * `metadata.pllm_tag`, which is how `find` recognises it.
 */
export function createOpenAIBatchApi(
  client: () => Promise<OpenAI>,
  { name, wire, url, chat, limits = {} }: OpenAIBatchSettings,
): BatchApi {
  const call = <T>(model: string | undefined, run: () => Promise<T>): Promise<T> =>
    _convertErrors(run, model, name, wire.apiKeyVariable);
  const embeddingsUrl = wire.batchEndpoints["/v1/embeddings"];
  return {
    takesEmbeddings: embeddingsUrl !== undefined,
    limits: {
      maxRequests: limits.maxRequests ?? openaiBatchLimits.maxRequests,
      maxBytes: limits.maxBytes ?? openaiBatchLimits.maxBytes,
    },

    inputLine(item) {
      const { request } = item;
      if (request.embedding && embeddingsUrl !== undefined) {
        const body = toOpenAIEmbeddingBody({
          model: request.model,
          texts: [embeddedText(request)],
          options: request.embedding,
        });
        return JSON.stringify({ custom_id: item.customId, method: "POST", url: embeddingsUrl, body });
      }
      const body = chat ? toOpenAIChatBody(request) : toOpenAIResponsesBody(request);
      return JSON.stringify({ custom_id: item.customId, method: "POST", url, body });
    },

    async submit({ model, items, inputPath, tag }) {
      checkBatchSubmission(
        name,
        model,
        items.map((item) => item.request),
      );
      return call(model, async () => {
        const openai = await client();
        // Streamed from the archived file: a 200 MB input is never a 200 MB string here.
        const input = new File([await openAsBlob(inputPath)], `pllm-${tag}.jsonl`, { type: "application/jsonl" });
        const file = await openai.files.create({ file: input, purpose: "batch" }, requestOptions);
        // The wire's own names, which the SDK's types (OpenAI's) do not list.
        const batch = await openai.batches.create(
          {
            input_file_id: file.id,
            endpoint: (items[0]!.request.embedding && embeddingsUrl !== undefined
              ? embeddingsUrl
              : url) as OpenAIBatchEndpoint,
            completion_window: (wire.completionWindow ?? "24h") as "24h",
            metadata: { pllm_tag: tag },
          },
          requestOptions,
        );
        return { id: batch.id };
      });
    },

    /**
     * Pages through the batches, newest first, for the one whose
     * `metadata.pllm_tag` is `tag`; stops at batches created more than a day
     * before `createdAfter` (milliseconds since the epoch), which leaves room
     * for clock skew.
     */
    async find(tag, { createdAfter }) {
      const oldest = createdAfter - dayMs;
      return call(undefined, async () => {
        for await (const batch of (await client()).batches.list({ limit: 100 }, requestOptions)) {
          if (batch.metadata?.["pllm_tag"] === tag) return batch.id;
          if (batch.created_at * 1000 < oldest) return undefined;
        }
        return undefined;
      });
    },

    async status(id) {
      const batch = await call(undefined, async () => (await client()).batches.retrieve(id, requestOptions));
      return { ...mapOpenAIBatchStatus(batch), raw: batch };
    },

    async *results(id, ended) {
      const openai = await call(undefined, client);
      const batch =
        (ended?.raw as OpenAI.Batch | undefined) ??
        (await call(undefined, () => openai.batches.retrieve(id, requestOptions)));
      if (mapOpenAIBatchStatus(batch).state === "in-progress") {
        throw new ParallellmError(
          `[${name}] Batch ${id} has not ended (status "${batch.status}"); ask for its results once status() reports it ended.`,
        );
      }
      const endpoint = batchEndpointOf(wire, batch.endpoint);
      if (!endpoint) {
        throw new ParallellmError(
          `[${name}] Batch ${id} is for ${batch.endpoint}; parallellm reads only ${Object.values(wire.batchEndpoints).join(" and ")} batches.`,
        );
      }
      // A batch can complete with every request failed: then there is no output file (and vice versa).
      for (const [file, fileId] of [
        ["output", batch.output_file_id],
        ["error", batch.error_file_id],
      ] as const) {
        if (!fileId) continue;
        const content = await call(undefined, () => openai.files.content(fileId, requestOptions));
        for await (const lines of jsonLineChunks(content.body, "openai")) {
          yield { lines: readOpenAIBatchLines(lines, file, { id, endpoint, model: batch.model, provider: name }) };
        }
      }
    },

    async cancel(id) {
      await call(undefined, async () => (await client()).batches.cancel(id, requestOptions));
    },
  };
}

// --- internal ---

/** Per request, so an injected client's own `maxRetries` cannot add hidden retries. */
const requestOptions = { maxRetries: 0 };

const dayMs = 24 * 60 * 60 * 1000;

async function _convertErrors<T>(
  run: () => Promise<T>,
  model: string | undefined,
  name: string,
  apiKeyVariable: string,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw convertOpenAIError(error, model, name, apiKeyVariable) ?? error;
  }
}
