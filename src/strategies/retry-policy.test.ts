import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { providerError } from "../core/errors.js";
import { emptyUsage, type LLMResult } from "../core/llm.js";
import { runWithRetries } from "./retry-policy.js";
import type { CallTask } from "./strategy.js";

const answer: LLMResult = {
  text: "ok",
  toolCalls: [],
  usage: emptyUsage,
  finishReason: { unified: "stop", raw: "stop" },
  responseId: undefined,
  model: undefined,
};

/** A task that, like the SDKs, adds an abort listener to the signal of every attempt and never removes it. */
function leakyTask(failures: number): CallTask {
  let left = failures;
  return {
    provider: "openai",
    model: "m",
    request: { provider: "openai", model: "m", api: undefined, messages: [] } as unknown as CallTask["request"],
    send: async (signal) => {
      signal?.addEventListener("abort", () => {});
      if (left-- > 0) throw providerError({ provider: "openai", statusCode: 429, retryAfterMs: 1 });
      return answer;
    },
    attemptFailed: () => {},
  };
}

describe("runWithRetries", () => {
  it("leaves no listener on the run's signal, however many attempts and retries", async () => {
    const run = new AbortController();
    for (let index = 0; index < 50; index++) {
      expect(await runWithRetries(leakyTask(index % 3), { initialDelayMs: 1 }, run.signal)).toBe(answer);
    }
    expect(getEventListeners(run.signal, "abort")).toHaveLength(0);
  });

  it("without a run signal, attempts and retries get none", async () => {
    const signals: unknown[] = [];
    const retried = leakyTask(1);
    const task: CallTask = {
      ...retried,
      send: (signal) => {
        signals.push(signal);
        return retried.send(signal);
      },
    };
    expect(await runWithRetries(task, { initialDelayMs: 1 }, undefined)).toBe(answer);
    expect(signals).toEqual([undefined, undefined]);
  });

  it("an abort of the run still reaches the attempt in flight", async () => {
    const run = new AbortController();
    const task: CallTask = {
      ...leakyTask(0),
      send: (signal) =>
        new Promise((_, reject) => signal?.addEventListener("abort", () => reject(signal.reason), { once: true })),
    };
    const pending = runWithRetries(task, {}, run.signal);
    const reason = new Error("stop");
    run.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(getEventListeners(run.signal, "abort")).toHaveLength(0);
  });
});
