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
    send: async () => {
      if (left-- > 0) throw providerError({ provider: "openai", statusCode: 429, retryAfterMs: 1 });
      return answer;
    },
    attemptFailed: () => {},
    waitsForLimit: () => {},
  };
}

describe("runWithRetries", () => {
  it("leaves no listener on the stop signal, however many attempts and retries", async () => {
    const stop = new AbortController();
    for (let index = 0; index < 50; index++) {
      expect(await runWithRetries(leakyTask(index % 3), { initialDelayMs: 1 }, stop.signal)).toBe(answer);
    }
    expect(getEventListeners(stop.signal, "abort")).toHaveLength(0);
  });

  it("a stop ends the wait before a retry at once and starts no new attempt", async () => {
    const stop = new AbortController();
    let attempts = 0;
    const task: CallTask = {
      ...leakyTask(0),
      send: async () => {
        attempts++;
        throw providerError({ provider: "openai", statusCode: 429, retryAfterMs: 60_000 });
      },
    };
    const pending = runWithRetries(task, {}, stop.signal);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const reason = new Error("stop");
    stop.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(attempts).toBe(1);
    expect(getEventListeners(stop.signal, "abort")).toHaveLength(0);
  });

  it("tells each failed attempt the wait before the next one, and that none follows the last", async () => {
    const told: [number, number | undefined][] = [];
    const environment = { sleep: async () => {}, random: () => 0.5, now: () => 0 };
    const failing = (statusCode: number): CallTask => ({
      ...leakyTask(0),
      send: async () => {
        throw providerError({ provider: "openai", statusCode });
      },
      attemptFailed: (_error, attempt, retryInMs) => told.push([attempt, retryInMs]),
    });
    await expect(
      runWithRetries(failing(500), { maxAttempts: 3, initialDelayMs: 100 }, undefined, environment),
    ).rejects.toThrow();
    // Full jitter at random 0.5: half of 100, then of 200.
    expect(told).toEqual([
      [1, 50],
      [2, 100],
      [3, undefined],
    ]);
    told.length = 0;
    await expect(runWithRetries(failing(400), {}, undefined, environment)).rejects.toThrow();
    expect(told).toEqual([[1, undefined]]);
    told.length = 0;
    // A retry that would end past maxElapsedMs is not made: the attempt is told so.
    await expect(
      runWithRetries(failing(500), { initialDelayMs: 100, maxElapsedMs: 10 }, undefined, environment),
    ).rejects.toThrow();
    expect(told).toEqual([[1, undefined]]);
  });

  it("a stop never aborts the attempt in flight: its answer is kept", async () => {
    const stop = new AbortController();
    const task: CallTask = {
      ...leakyTask(0),
      send: () => new Promise((resolve) => setTimeout(() => resolve(answer), 20)),
    };
    const pending = runWithRetries(task, {}, stop.signal);
    stop.abort(new Error("stop"));
    expect(await pending).toBe(answer);
  });
});
