import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ProviderError } from "../core/errors.js";
import type { LLMResult, Usage } from "../core/llm.js";
import type { WindowTake } from "../store/store.js";
import type { RateLimits } from "./rate-limits.js";
import type { CallTask } from "./strategy.js";
import { Throttler, type ThrottlerOptions } from "./throttler.js";

const usage = (inputTokens?: number, outputTokens?: number): Usage => ({
  inputTokens,
  outputTokens,
  cachedInputTokens: undefined,
  reasoningTokens: undefined,
  totalTokens: undefined,
});

const result = (reported: Usage = usage()): LLMResult => ({
  text: "ok",
  toolCalls: [],
  usage: reported,
  finishReason: { unified: "stop", raw: "stop" },
  responseId: undefined,
  model: undefined,
});

/** Calls through a throttler; each send is recorded and answers after `latencyMs`. */
function harness(limits: RateLimits, options: ThrottlerOptions = {}) {
  const throttler = new Throttler(limits, options);
  const started: { name: string; at: number }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const call = (
    name: string,
    llm: string,
    settings: { prompt?: string; latencyMs?: number; reported?: Usage; fail?: boolean } = {},
  ) => {
    const [provider, model] = llm.split("/");
    const task: CallTask = {
      provider,
      model,
      request: {
        provider: provider as "openai",
        model,
        messages: [{ role: "user", content: [{ type: "text", text: settings.prompt ?? "hi" }] }],
      },
      attemptFailed: () => {},
      waitsForLimit: () => {},
      send: async () => {
        started.push({ name, at: performance.now() });
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, settings.latencyMs ?? 0));
        inFlight--;
        if (settings.fail) throw new ProviderError("server", "boom", { provider, statusCode: 500 });
        return result(settings.reported);
      },
    };
    return throttler.throttle(task).send();
  };
  const startOf = (name: string) => started.find((entry) => entry.name === name)?.at;
  return { throttler, call, started, startOf, maxInFlight: () => maxInFlight };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance", "Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("Throttler", () => {
  it("keeps a rolling request window, counted until a window after each answer, in call order", async () => {
    const { call, started } = harness({ openai: { requests: 3, perMs: 1000 } });
    const calls = Array.from({ length: 7 }, (_, index) => call(`c${index}`, "openai/gpt-4.1-mini"));
    await vi.advanceTimersByTimeAsync(5000);
    await Promise.all(calls);
    expect(started.map((entry) => entry.name)).toEqual(["c0", "c1", "c2", "c3", "c4", "c5", "c6"]);
    const times = started.map((entry) => entry.at);
    expect(times.slice(0, 3)).toEqual([0, 0, 0]);
    // A window after the answers (here at once), and the timer's extra millisecond.
    expect(times.slice(3, 6)).toEqual([1001, 1001, 1001]);
    expect(times[6] - times[3]).toBeGreaterThanOrEqual(1000);
    expect(times[6] - times[3]).toBeLessThan(1005);
  });

  it("counts a request still in flight after a second as arrived, so long answers do not hold the window", async () => {
    const { call, startOf } = harness({ openai: { requests: 1, perMs: 1000 } });
    const calls = [
      call("slow", "openai/gpt-4.1-mini", { latencyMs: 10_000 }),
      call("next", "openai/gpt-4.1-mini", { latencyMs: 10 }),
      call("last", "openai/gpt-4.1-mini"),
    ];
    await vi.advanceTimersByTimeAsync(20_000);
    await Promise.all(calls);
    // slow: sent at 0, taken to have arrived by 1000, so it leaves the window at 2000.
    expect(startOf("next")).toBe(2001);
    // next: answered at 2011, so it leaves the window at 3011.
    expect(startOf("last")).toBe(3012);
  });

  it("applies the provider's and the model's limits together, without holding other models back", async () => {
    const { call, startOf } = harness({
      openai: { requests: 4, perMs: 1000 },
      "openai/gpt-4.1-mini": { requests: 1, perMs: 1000 },
    });
    const calls = [
      call("mini-1", "openai/gpt-4.1-mini"),
      call("mini-2", "openai/gpt-4.1-mini"),
      call("nano-1", "openai/gpt-4.1-nano"),
      call("nano-2", "openai/gpt-4.1-nano"),
      call("nano-3", "openai/gpt-4.1-nano"),
      call("nano-4", "openai/gpt-4.1-nano"),
      call("claude", "anthropic/claude-sonnet-4-5"),
    ];
    await vi.advanceTimersByTimeAsync(3000);
    await Promise.all(calls);
    // mini-2 waits for its model; the nanos pass it until the provider's window is full.
    expect([startOf("mini-1"), startOf("nano-1"), startOf("nano-2"), startOf("nano-3")]).toEqual([0, 0, 0, 0]);
    expect(startOf("mini-2")).toBe(1001);
    // Once mini-2 waits for the provider too, later calls do not overtake it there.
    expect(startOf("nano-4")).toBe(1001);
    expect(startOf("claude")).toBe(0);
  });

  it("keeps concurrency per key and the global cap, also when requests fail", async () => {
    const { call, maxInFlight } = harness({ openai: { concurrency: 2 } }, { concurrency: 3 });
    const calls = [
      ...Array.from({ length: 6 }, (_, index) =>
        call(`o${index}`, "openai/gpt-4.1-mini", { latencyMs: 100, fail: index % 2 === 0 }).catch(() => "failed"),
      ),
      ...Array.from({ length: 4 }, (_, index) => call(`a${index}`, "anthropic/claude-sonnet-4-5", { latencyMs: 100 })),
    ];
    await vi.advanceTimersByTimeAsync(2000);
    const outcomes = await Promise.all(calls);
    expect(outcomes.filter((outcome) => outcome === "failed")).toHaveLength(3);
    expect(maxInFlight()).toBe(3);
  });

  it("counts estimated tokens, then the reported ones", async () => {
    // 400 characters: 100 tokens estimated; the answers report 30.
    const { call, startOf } = harness({ openai: { tokens: 250, perMs: 1000 } });
    const prompt = "x".repeat(400);
    const calls = Array.from({ length: 5 }, (_, index) =>
      call(`c${index}`, "openai/gpt-4.1-mini", { prompt, latencyMs: 10, reported: usage(20, 10) }),
    );
    await vi.advanceTimersByTimeAsync(5000);
    await Promise.all(calls);
    // Two fit by their estimate (200 of 250); each answered one weighs 30, making room for
    // one more: 30 + 100 + 100 at 10 ms, 30 + 30 + 30 + 100 at 20 ms... (by estimates alone, c2 would wait a window).
    expect(["c0", "c1", "c2", "c3", "c4"].map(startOf)).toEqual([0, 0, 10, 20, 30]);
  });

  it("keeps the estimate when the answer reports no input tokens", async () => {
    const { call, startOf } = harness({ openai: { tokens: 250, perMs: 1000 } });
    const prompt = "x".repeat(400);
    const calls = Array.from({ length: 3 }, (_, index) =>
      call(`c${index}`, "openai/gpt-4.1-mini", { prompt, latencyMs: 10 }),
    );
    await vi.advanceTimersByTimeAsync(3000);
    await Promise.all(calls);
    expect(startOf("c2")).toBe(1011);
  });

  it("lets a request larger than the token limit go alone rather than never", async () => {
    const { call, startOf } = harness({ openai: { tokens: 100, perMs: 1000 } });
    const calls = [
      call("small", "openai/gpt-4.1-mini", { prompt: "x".repeat(200) }),
      call("huge", "openai/gpt-4.1-mini", { prompt: "x".repeat(4000) }),
    ];
    await vi.advanceTimersByTimeAsync(3000);
    await Promise.all(calls);
    expect(startOf("huge")).toBe(1001);
  });

  it("rejects waiting calls on stop, and later ones at once", async () => {
    const { throttler, call, started } = harness({ openai: { requests: 1, perMs: 1000 } });
    const first = call("first", "openai/gpt-4.1-mini");
    const second = call("second", "openai/gpt-4.1-mini");
    await vi.advanceTimersByTimeAsync(10);
    const reason = new Error("interrupted");
    throttler.stop(reason);
    await expect(first).resolves.toMatchObject({ text: "ok" });
    await expect(second).rejects.toBe(reason);
    await expect(call("third", "openai/gpt-4.1-mini")).rejects.toBe(reason);
    await vi.advanceTimersByTimeAsync(2000);
    expect(started.map((entry) => entry.name)).toEqual(["first"]);
  });

  it("takes each request from the windows shared with other workers too, waiting as long as they say", async () => {
    const takes: WindowTake[][] = [];
    const waits = [0, 500, 0];
    const sharedWindows = async (asked: readonly WindowTake[]) => {
      takes.push([...asked]);
      return waits.shift() ?? 0;
    };
    const { call, startOf } = harness(
      { openai: { requests: 10, perMs: 1000 }, "openai/gpt-4.1-mini": { tpm: 1000 } },
      { sharedWindows },
    );
    const calls = [call("a", "openai/gpt-4.1-mini"), call("b", "openai/gpt-4.1-mini")];
    await vi.advanceTimersByTimeAsync(2000);
    await Promise.all(calls);
    expect([startOf("a"), startOf("b")]).toEqual([0, 500]);
    // Windows named alike by every worker; a take stays as long as this process's windows keep a request.
    const windows = [
      { key: "openai requests per 1000 ms", limit: 10, spanMs: 2000, weight: 1 },
      { key: "openai/gpt-4.1-mini tokens per 60000 ms", limit: 1000, spanMs: 61_000, weight: expect.any(Number) },
    ];
    expect(takes).toEqual([windows, windows, windows]);
  });

  it("on stop, a call waiting for a shared window rejects at once and is not sent", async () => {
    const { throttler, call, started } = harness(
      { openai: { requests: 10, perMs: 1000 } },
      { sharedWindows: async () => 60_000 },
    );
    const waiting = call("waiting", "openai/gpt-4.1-mini");
    await vi.advanceTimersByTimeAsync(10);
    const reason = new Error("interrupted");
    throttler.stop(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(started).toEqual([]);
  });

  it("passes calls without limits straight through", () => {
    const throttler = new Throttler({ anthropic: { rpm: 5 } });
    const task = { provider: "openai", model: "gpt-4.1-mini" } as CallTask;
    expect(throttler.throttle(task)).toBe(task);
  });
});
