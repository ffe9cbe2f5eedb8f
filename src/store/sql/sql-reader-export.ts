/**
 * What an export adds to the call rows of a page (the request, the answer's
 * tool calls and cached tokens, the batch at the provider, the latest failure),
 * in SQL any SQL store runs but for how it unpacks the page's identities, and
 * the export row made of a call row and those extras.
 */
import type { LLMResult } from "../../core/llm.js";
import { decodeVector } from "../../core/vector-bytes.js";
import type { ExportRow } from "../../export/export-row.js";
import { type DocumentSource, promptText } from "../../export/prompt-text.js";
import { costOf, type ModelPrice } from "../../providers/model-prices.js";
import type { CallRow } from "../workspace-reader.js";

/**
 * The extras of the call rows of a page, in their order. `keys`: the database's table of the
 * page's identities from the one value bound, a JSON array of `[agent, hash, occurrence, batch]`,
 * with columns `position`, `agent`, `hash`, `occurrence` and `batch`.
 */
export function exportExtrasSql(keys: string): string {
  return `
  WITH keys AS (${keys})
  SELECT
    coalesce(c.canonical, (SELECT bc.canonical FROM batch_calls bc
      WHERE bc.agent = k.agent AND bc.hash = k.hash AND bc.occurrence = k.occurrence
      ORDER BY bc.batch_id DESC LIMIT 1)),
    r.result, r.cached_tokens, r.via_batch, r.vector,
    (SELECT f.message FROM failures f WHERE f.agent = k.agent AND f.hash = k.hash AND f.occurrence = k.occurrence
      ORDER BY f.id DESC LIMIT 1),
    b.provider_batch_id
  FROM keys k
  LEFT JOIN calls c ON c.agent = k.agent AND c.hash = k.hash AND c.occurrence = k.occurrence
  LEFT JOIN responses r ON r.id = c.response_id
  LEFT JOIN batches b ON b.id = k.batch
  ORDER BY k.position`;
}

/** The value `exportExtrasSql` binds for a page of calls. */
export function exportKeys(calls: readonly CallRow[]): string {
  return JSON.stringify(calls.map((call) => [call.agent, call.hash, call.occurrence, call.batch ?? null]));
}

export type ExportExtras = [
  string | null,
  string | null,
  number | null,
  number | null,
  Uint8Array | null,
  string | null,
  string | null,
];

/** The export row of `call`; `documents` gives the text of the documents its request refers to. */
export function exportRowOf(
  call: CallRow,
  extras: ExportExtras,
  documents: DocumentSource,
  prices: Readonly<Record<string, ModelPrice>>,
): ExportRow {
  const [canonical, resultJson, cachedTokens, viaBatch, vector, failure, providerBatchId] = extras;
  const prompt = canonical === null ? undefined : promptText(canonical, documents);
  const answered = call.status === "answered" && resultJson !== null;
  const result = answered ? (JSON.parse(resultJson) as Omit<LLMResult, "text">) : undefined;
  return {
    id: call.id,
    agent: call.agent,
    hash: call.hash,
    occurrence: call.occurrence,
    session: call.session,
    status: call.status,
    provider: call.provider,
    model: call.model,
    instructions: prompt?.instructions,
    prompt: prompt?.prompt,
    text: call.text,
    value: prompt?.hasSchema && call.text !== undefined ? parsedOrUndefined(call.text) : undefined,
    embedding: answered && vector !== null ? decodeVector(vector) : undefined,
    toolCalls: result?.toolCalls,
    finishReason: result?.finishReason.unified,
    inputTokens: call.inputTokens,
    outputTokens: call.outputTokens,
    cachedTokens: answered ? (cachedTokens ?? undefined) : undefined,
    cost: answered ? callCost(call, cachedTokens ?? undefined, viaBatch === 1, prices) : undefined,
    viaBatch: answered ? viaBatch === 1 : undefined,
    latencyMs:
      call.sentAt !== undefined && call.receivedAt !== undefined
        ? Math.round(call.receivedAt - call.sentAt)
        : undefined,
    batch: call.batch,
    providerBatchId: providerBatchId ?? undefined,
    failures: call.failures,
    error: call.status === "failed" ? (failure ?? undefined) : undefined,
    sentAt: call.sentAt,
    receivedAt: call.receivedAt,
  };
}

// --- internal ---

function callCost(
  call: CallRow,
  cachedInput: number | undefined,
  batch: boolean,
  prices: Readonly<Record<string, ModelPrice>>,
): number | undefined {
  if (call.model === undefined || call.inputTokens === undefined) return undefined;
  return costOf(
    call.model,
    { input: call.inputTokens, output: call.outputTokens, cachedInput },
    { batch, overrides: prices },
  );
}

function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // An answer that is not JSON has no value: its text is in the row as it came.
    return undefined;
  }
}
