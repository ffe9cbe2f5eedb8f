/**
 * Anthropic Message Batches as the `BatchApi` capability: requests go inline
 * (`custom_id` + a Messages body as `params`), results come back as JSONL at
 * the batch's `results_url`.
 *
 * @see https://docs.claude.com/en/docs/build-with-claude/batch-processing
 */
import { readFileSync } from "node:fs";
import type Anthropic from "@anthropic-ai/sdk";
import { ParallellmError } from "../../core/errors.js";
import type { BatchApi, BatchStatus } from "../provider.js";
import { jsonLineChunks } from "../shared/json-line-chunks.js";
import { convertAnthropicError } from "./convert-anthropic-error.js";
import { readAnthropicBatchLines } from "./read-anthropic-batch-lines.js";
import { toAnthropicBody } from "./to-anthropic-body.js";

/** Per-batch limits of Message Batches: whichever is reached first. */
export interface AnthropicBatchLimits {
  /** @default 100_000 */
  readonly maxRequests?: number | undefined;
  /** @default 256 MiB (268_435_456 bytes) */
  readonly maxBytes?: number | undefined;
}

/**
 * The Message Batches capability over a lazily made client. The planner
 * checks the limits (whole numbers from 1 up) before it plans a batch.
 */
export function createAnthropicBatchApi(client: () => Promise<Anthropic>, limits: AnthropicBatchLimits = {}): BatchApi {
  return {
    limits: {
      maxRequests: limits.maxRequests ?? 100_000,
      maxBytes: limits.maxBytes ?? 256 * 1024 * 1024,
    },

    inputLine: (item) => JSON.stringify({ custom_id: item.customId, params: toAnthropicBody(item.request) }),

    async submit({ model, inputPath }) {
      // The archived input lines are what is sent, so the archive matches the batch exactly.
      const requests = readFileSync(inputPath, "utf8")
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as Anthropic.Messages.BatchCreateParams.Request);
      // Message batches keep no metadata: the tag cannot be stored (see `find`).
      const batch = await _call(model, async () => (await client()).messages.batches.create({ requests }));
      return { id: batch.id };
    },

    /**
     * Anthropic batches carry no tag, so a batch created for `tag` is
     * recognised by when it was made and its size: the newest batch created at
     * or after `createdAfter` (less a minute of clock skew between us and
     * Anthropic) whose request count equals `requestCount` and that the store
     * does not already know (`exclude`); of those, the one created closest to
     * the intent. The list is newest first, so the search stops at the first
     * older batch. Custom ids are unique per submission, so a wrong match can
     * never store an answer under another call.
     */
    async find(_tag, { createdAfter, requestCount, exclude }) {
      const since = createdAfter - clockSkewMs;
      return _call(undefined, async () => {
        let best: { id: string; distance: number } | undefined;
        for await (const batch of (await client()).messages.batches.list({ limit: 100 })) {
          const created = Date.parse(batch.created_at);
          if (created < since) break;
          if (_total(batch.request_counts) !== requestCount || exclude?.has(batch.id)) continue;
          const distance = Math.abs(created - createdAfter);
          if (!best || distance < best.distance) best = { id: batch.id, distance };
        }
        return best?.id;
      });
    },

    async status(id) {
      const batch = await _call(undefined, async () => (await client()).messages.batches.retrieve(id));
      return _status(batch);
    },

    async *results(id, ended) {
      const batch =
        (ended?.raw as Anthropic.Messages.MessageBatch | undefined) ??
        (await _call(undefined, async () => (await client()).messages.batches.retrieve(id)));
      const url = batch.results_url;
      if (batch.processing_status !== "ended" || !url) {
        throw new ParallellmError(
          `[anthropic] Batch ${id} has no results yet (processing_status "${batch.processing_status}"). Ask for results once status() reports it completed.`,
        );
      }
      // Read the raw JSONL rather than `batches.results()`, whose decoder throws
      // on the first malformed line: we archive every line and skip bad ones.
      const response = await _call(undefined, async () =>
        (await client()).get(url, { headers: { Accept: "application/binary" } }).asResponse(),
      );
      for await (const lines of jsonLineChunks(response.body, "anthropic"))
        yield { lines: readAnthropicBatchLines(id, lines) };
    },

    async cancel(id) {
      await _call(undefined, async () => (await client()).messages.batches.cancel(id));
    },
  };
}

// --- internal ---

const clockSkewMs = 60_000;

/** An SDK call; its failures become classified `ProviderError`s. */
async function _call<T>(model: string | undefined, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw convertAnthropicError(error, model) ?? error;
  }
}

function _total(counts: Anthropic.Messages.MessageBatchRequestCounts): number {
  return counts.processing + counts.succeeded + counts.errored + counts.canceled + counts.expired;
}

/**
 * `ended` is the only end state: expiry and cancellation show in the
 * per-request results. Requests count as finished only once the batch ends
 * (Anthropic keeps them all `processing` until then), so no progress is
 * reported before.
 */
function _status(batch: Anthropic.Messages.MessageBatch): BatchStatus {
  const total = _total(batch.request_counts);
  if (batch.processing_status === "ended") {
    return { state: "completed", total, finished: total - batch.request_counts.processing, raw: batch };
  }
  return { state: "in-progress", total, raw: batch };
}
