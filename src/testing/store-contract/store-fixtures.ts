/** Records the store contract suite writes, built from a few facts each. */
import { emptyUsage, type LLMResult } from "../../core/llm.js";
import type { CallKey, FailureRecord, ResponseRecord, Store } from "../../store/store.js";

/** What a contract case needs of the test runner: vitest, jest and `node:test` all fit. */
export interface StoreTestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>): void;
}

/** Makes a fresh, empty store for each case; the case closes it. */
export type MakeStore = () => Store | Promise<Store>;

/** Runs `body` on a fresh store and closes the store whatever happens. */
export async function withStore(makeStore: MakeStore, body: (store: Store) => Promise<void>): Promise<void> {
  const store = await makeStore();
  try {
    await body(store);
  } finally {
    await store.close();
  }
}

/** The key of call `occurrence` of `hash` in `agent`. */
export function callKey(agent: string, hash = `hash-${agent}`, occurrence = 0): CallKey {
  return { agent, hash, occurrence };
}

/** An answer to `key`; tokens and the rest as `details` says. */
export function answer(
  key: CallKey,
  details: {
    readonly session?: number;
    readonly text?: string;
    readonly mode?: "replace" | "keep";
    readonly model?: string;
    readonly viaBatch?: boolean;
    readonly receivedAt?: number;
    readonly inputTokens?: number;
    readonly outputTokens?: number;
    readonly cachedInputTokens?: number;
  } = {},
): ResponseRecord {
  return {
    ...key,
    seq: 0,
    session: details.session ?? 1,
    provider: "openai",
    model: details.model ?? "gpt-4.1-mini",
    canonical: `{"prompt":"${key.hash}"}`,
    documents: new Map([[`document-${key.hash}`, `A long document for ${key.hash}.`]]),
    result: result(details.text ?? `Answer to ${key.agent}.`, details),
    sentAt: 0,
    receivedAt: details.receivedAt ?? 0,
    mode: details.mode ?? "replace",
    viaBatch: details.viaBatch,
  };
}

function result(
  text: string,
  tokens: { readonly inputTokens?: number; readonly outputTokens?: number; readonly cachedInputTokens?: number },
): LLMResult {
  return {
    text,
    toolCalls: [{ id: "call-1", name: "lookup", args: { city: "Paris" } }],
    usage: {
      inputTokens: tokens.inputTokens,
      outputTokens: tokens.outputTokens,
      cachedInputTokens: tokens.cachedInputTokens,
      reasoningTokens: undefined,
      totalTokens: undefined,
    },
    finishReason: { unified: "stop", raw: "stop" },
    responseId: "response-1",
    model: "gpt-4.1-mini-2025-04-14",
  };
}

/** A plain text answer: no tool calls, no usage, stopped normally. */
export function textResult(text: string): LLMResult {
  return {
    text,
    toolCalls: [],
    usage: emptyUsage,
    finishReason: { unified: "stop", raw: "stop" },
    responseId: undefined,
    model: undefined,
  };
}

/** A failure of `key`: `kind` with `statusCode`, sent directly or inside a batch. */
export function failure(
  key: CallKey,
  kind: string,
  details: { readonly viaBatch?: boolean; readonly statusCode?: number; readonly session?: number; at?: number } = {},
): FailureRecord {
  return {
    ...key,
    seq: 0,
    session: details.session ?? 1,
    provider: "openai",
    model: "gpt-4.1-mini",
    attempt: 1,
    kind,
    statusCode: details.statusCode,
    message: `${kind} ${details.statusCode ?? ""}`.trim(),
    requestId: undefined,
    at: details.at ?? 0,
    viaBatch: details.viaBatch,
  };
}

/** `rows` sorted by what `by` returns, for comparing results a store may return in any order. */
export function sortedBy<T>(rows: readonly T[], by: (row: T) => string): T[] {
  return [...rows].sort((left, right) => by(left).localeCompare(by(right)));
}
