import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { tempWorkspace } from "../../../test/helpers.js";
import { emptyUsage } from "../../core/llm.js";
import type { CallKey, FailureRecord } from "../store.js";
import { createSqliteStore } from "./sqlite-store.js";

const failure = (key: CallKey, kind: string, viaBatch: boolean, statusCode?: number): FailureRecord => ({
  ...key,
  seq: 0,
  session: 1,
  provider: "openai",
  model: "gpt-4.1-mini",
  attempt: 1,
  kind,
  statusCode,
  message: `${kind} ${statusCode ?? ""}`.trim(),
  requestId: undefined,
  at: 0,
  viaBatch,
});

it("failedCalls: unanswered calls whose latest failure was a rejection, or that failed inside batches", async () => {
  const workspace = tempWorkspace();
  mkdirSync(workspace, { recursive: true });
  const store = await createSqliteStore(join(workspace, "store.sqlite"));
  try {
    const key = (agent: string): CallKey => ({ agent, hash: `hash-${agent}`, occurrence: 0 });
    // rejected: one 400 sent directly. retried: rejected, then a transient failure (the latest).
    // batched: two transient failures inside batches. answered: rejected, then answered.
    // transient: a transient failure sent directly.
    await store.saveFailure(failure(key("rejected"), "request-rejected", false, 400));
    await store.saveFailure(failure(key("retried"), "request-rejected", false, 400));
    await store.saveFailure(failure(key("retried"), "server", false, 500));
    await store.saveFailure(failure(key("batched"), "server", true, 500));
    await store.saveFailure(failure(key("batched"), "expired", true));
    await store.saveFailure(failure(key("answered"), "request-rejected", true, 400));
    await store.saveFailure(failure(key("transient"), "server", false, 503));
    await store.saveResponse({
      ...key("answered"),
      seq: 0,
      session: 2,
      provider: "openai",
      model: "gpt-4.1-mini",
      canonical: "{}",
      documents: new Map(),
      result: {
        text: "ok",
        toolCalls: [],
        usage: emptyUsage,
        finishReason: { unified: "stop", raw: "stop" },
        responseId: undefined,
        model: undefined,
      },
      sentAt: 0,
      receivedAt: 0,
      mode: "replace",
    });

    const failed = await store.failedCalls();
    expect([...failed].sort((a, b) => a.agent.localeCompare(b.agent))).toEqual([
      { ...key("batched"), ...latest("expired", undefined), batchFailures: 2 },
      { ...key("rejected"), ...latest("request-rejected", 400), batchFailures: 0 },
    ]);
  } finally {
    await store.close();
  }
});

function latest(kind: string, statusCode: number | undefined) {
  const { session, provider, model, message, requestId } = failure(
    { agent: "", hash: "", occurrence: 0 },
    kind,
    false,
    statusCode,
  );
  return { session, provider, model, kind, statusCode, message, requestId };
}
