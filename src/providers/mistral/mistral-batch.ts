/**
 * Mistral's batch jobs: upload a JSONL file (purpose `batch`), create a job
 * for one model on `/v1/chat/completions`, poll it, download the output and
 * error files. Over `fetch` (`mistral-http.ts`): the official SDK would add
 * four runtime dependencies (ws, zod, zod-to-json-schema, OpenTelemetry) for
 * five JSON calls and one upload.
 *
 * @see https://docs.mistral.ai/capabilities/batch
 */
import { openAsBlob } from "node:fs";
import { ParallellmError } from "../../core/errors.js";
import { openaiBatchLimits, readOpenAIBatchLines, toOpenAIChatBody } from "../openai/index.js";
import type { BatchApi } from "../provider.js";
import { jsonLineChunks } from "../shared/json-line-chunks.js";
import { type MistralBatchJob, mapMistralBatchStatus } from "./map-mistral-batch-status.js";
import { type MistralEndpoint, mistralFetch, mistralJson } from "./mistral-http.js";

/**
 * The Mistral `BatchApi` at `endpoint`. Its key is read only when a batch call
 * is made. The submission's `tag` is kept in the job's `metadata.pllm_tag`,
 * which is how `find` recognises it.
 */
export function createMistralBatchApi(endpoint: MistralEndpoint, limits: Partial<BatchApi["limits"]> = {}): BatchApi {
  const { name } = endpoint;
  const getJob = (id: string) => mistralJson<MistralBatchJob>(endpoint, { method: "GET", path: `/batch/jobs/${id}` });
  return {
    // OpenAI's, to be conservative: Mistral takes larger jobs, but a smaller one is cheaper to lose and to download.
    limits: {
      maxRequests: limits.maxRequests ?? openaiBatchLimits.maxRequests,
      maxBytes: limits.maxBytes ?? openaiBatchLimits.maxBytes,
    },

    inputLine(item) {
      // The job names the model; each line is `custom_id` and the request body.
      const { model: _model, ...body } = toOpenAIChatBody(item.request);
      return JSON.stringify({ custom_id: item.customId, body });
    },

    async submit({ model, items, inputPath, tag }) {
      if (items.length === 0 || items.some((item) => item.request.model !== model)) {
        throw new ParallellmError(
          `[${name}] A batch must hold at least one item, all of model ${model}. This is a bug in the batch planner.`,
        );
      }
      const form = new FormData();
      form.set("purpose", "batch");
      // Streamed from the archived file: a 200 MB input is never a 200 MB string here.
      form.set("file", await openAsBlob(inputPath), `pllm-${tag}.jsonl`);
      const file = await mistralJson<{ id: string }>(endpoint, { method: "POST", path: "/files", form, model });
      const job = await mistralJson<MistralBatchJob>(endpoint, {
        method: "POST",
        path: "/batch/jobs",
        json: { input_files: [file.id], model, endpoint: chatEndpoint, metadata: { pllm_tag: tag } },
        model,
      });
      return { id: job.id };
    },

    /**
     * Pages through the jobs, newest first, for the one whose
     * `metadata.pllm_tag` is `tag`; stops at jobs created more than a day
     * before `createdAfter`, which leaves room for clock skew.
     */
    async find(tag, { createdAfter }) {
      const oldest = createdAfter - dayMs;
      for (let page = 0; ; page++) {
        const list = await mistralJson<{ data: MistralBatchJob[]; total: number }>(endpoint, {
          method: "GET",
          path: `/batch/jobs?page=${page}&page_size=${pageSize}&order_by=-created`,
        });
        for (const job of list.data) {
          if (job.metadata?.["pllm_tag"] === tag) return job.id;
          if (job.created_at * 1000 < oldest) return undefined;
        }
        if (list.data.length < pageSize || (page + 1) * pageSize >= list.total) return undefined;
      }
    },

    async status(id) {
      const job = await getJob(id);
      return { ...mapMistralBatchStatus(job), raw: job };
    },

    async *results(id, ended) {
      const job = (ended?.raw as MistralBatchJob | undefined) ?? (await getJob(id));
      if (mapMistralBatchStatus(job).state === "in-progress") {
        throw new ParallellmError(
          `[${name}] Batch ${id} has not ended (status "${job.status}"); ask for its results once status() reports it ended.`,
        );
      }
      if (job.endpoint !== undefined && job.endpoint !== chatEndpoint) {
        throw new ParallellmError(
          `[${name}] Batch ${id} is for ${job.endpoint}; parallellm reads only ${chatEndpoint} batch jobs.`,
        );
      }
      const batch = { id, endpoint: chatEndpoint, model: job.model ?? undefined, provider: name } as const;
      for (const [file, fileId] of [
        ["output", job.output_file],
        ["error", job.error_file],
      ] as const) {
        if (!fileId) continue;
        const content = await mistralFetch(endpoint, { method: "GET", path: `/files/${fileId}/content` });
        for await (const lines of jsonLineChunks(content.body, name)) {
          yield { lines: readOpenAIBatchLines(lines, file, batch) };
        }
      }
    },

    async cancel(id) {
      await mistralFetch(endpoint, { method: "POST", path: `/batch/jobs/${id}/cancel` });
    },
  };
}

// --- internal ---

const chatEndpoint = "/v1/chat/completions";

const pageSize = 100;

const dayMs = 24 * 60 * 60 * 1000;
