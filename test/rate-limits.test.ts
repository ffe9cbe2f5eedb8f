/**
 * Rate limits end to end: Parallellm -> the official OpenAI SDK -> the fake
 * provider server, which refuses (429) whatever exceeds its own limit and logs
 * every request's arrival time, so the log proves the window was never exceeded.
 * Windows are scaled down from minutes to a second to keep the suite fast.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Parallellm, type ParallellmOptions } from "../src/index.js";
import { type FakeProviderServer, type LoggedRequest, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;
afterEach(() => server?.close());

/** One agent per item, each asking once; resolves with the answers and when the asks started and ended (epoch ms). */
async function askEach(
  directory: string,
  count: number,
  options: ParallellmOptions,
  llmOf?: (index: number) => string,
) {
  const pllm = await Parallellm.open(directory, {
    llm: "gpt-4.1-mini",
    clients: server.clientsFor(),
    summary: false,
    ...options,
  });
  const items = Array.from({ length: count }, (_, index) => index);
  const startedAt = Date.now();
  const answers = await pllm.forEach(
    items,
    (index) => `item-${index}`,
    (index, agent) => agent.ask(`Question ${index}`, llmOf ? { llm: llmOf(index) } : {}).text(),
  );
  const finishedAt = Date.now();
  const summary = await pllm.close();
  return { answers, summary, startedAt, finishedAt };
}

/** The most requests (or token weight) any `windowMs` of the log holds, counting each window up to a request. */
function busiestWindow(
  requests: readonly LoggedRequest[],
  windowMs: number,
  weightOf: (request: LoggedRequest) => number = () => 1,
) {
  const times = requests
    .map((request) => ({ time: request.time, weight: weightOf(request) }))
    .sort((a, b) => a.time - b.time);
  let busiest = 0;
  for (const { time } of times) {
    const inWindow = times.filter((other) => other.time > time - windowMs && other.time <= time);
    busiest = Math.max(
      busiest,
      inWindow.reduce((sum, other) => sum + other.weight, 0),
    );
  }
  return busiest;
}

describe("a requests-per-window limit", () => {
  it("200 asks never exceed 60 requests per second and waste no window of the limit", async () => {
    server = await startFakeProviderServer({ rateLimit: { requests: 60, windowMs: 1000 } });
    const directory = tempWorkspace();
    const limits = { openai: { requests: 60, perMs: 1000 } };
    const { answers, startedAt, finishedAt } = await askEach(directory, 200, { limits });

    expect(answers.every((answer) => typeof answer === "string")).toBe(true);
    expect(server.requests).toHaveLength(200);
    expect(server.requests.filter((request) => request.status !== 200)).toEqual([]);
    expect(busiestWindow(server.requests, 1000)).toBeLessThanOrEqual(60);
    // Requests 1-60 may go at once, 61-120 a window later, 121-180 two, 181-200 three: the
    // 200th cannot leave before 3 windows after the 20th (200 >= 140 + W >= 80 + 2W >= 20 + 3W).
    // The first 20 go unthrottled, so how long they take is this machine's speed (~45 ms when
    // idle), not the limit's doing; so is the SDK's and the store's first use before the first.
    const first = server.requests[0].time;
    const twentieth = server.requests[19].time;
    expect(server.requests.at(-1)!.time - twentieth).toBeGreaterThanOrEqual(3 * 1000);
    // A throttler that let a window pass unused would need a fourth one. (How close it comes to
    // the minimum is a speed figure, for the benchmarks, not for a test on a loaded machine.)
    const minimumMs = twentieth - first + 3 * 1000;
    const figures = `${finishedAt - first} ms from the first request (${finishedAt - startedAt} ms from the first ask) vs a minimum of ${minimumMs} ms`;
    expect(finishedAt - first, figures).toBeLessThan(minimumMs + 1000);

    // Replays never reach the throttler: the same 200 asks, which the limit would hold for 3 s, send nothing.
    const replayStarted = performance.now();
    const replay = await askEach(directory, 200, { limits });
    expect(replay.answers).toEqual(answers);
    expect(replay.summary.replayed).toBe(200);
    expect(performance.now() - replayStarted).toBeLessThan(3 * 1000);
    expect(server.requests).toHaveLength(200);
  });

  it.each([
    ["sync", {}],
    ["hybrid's direct rounds", { strategy: "hybrid", batch: { minSize: 1000 } }],
  ] as const)("holds in %s too", async (_name, options) => {
    server = await startFakeProviderServer({ rateLimit: { requests: 30, windowMs: 500 } });
    const { answers } = await askEach(tempWorkspace(), 40, {
      strategy: "sync",
      ...options,
      limits: { openai: { requests: 30, perMs: 500 } },
    });
    expect(answers.every((answer) => typeof answer === "string")).toBe(true);
    expect(server.requests.filter((request) => request.status !== 200)).toEqual([]);
    expect(server.requests.every((request) => request.path === "/v1/responses")).toBe(true);
    expect(busiestWindow(server.requests, 500)).toBeLessThanOrEqual(30);
    const span = server.requests.at(-1)!.time - server.requests[0].time;
    expect(span).toBeGreaterThanOrEqual(500);
  });

  it("applies a model's limit alongside its provider's, without holding other models back", async () => {
    server = await startFakeProviderServer();
    const { answers } = await askEach(
      tempWorkspace(),
      18,
      { limits: { openai: { requests: 10, perMs: 500 }, "openai/gpt-4.1-mini": { requests: 3, perMs: 500 } } },
      (index) => (index % 2 === 0 ? "gpt-4.1-mini" : "gpt-4.1-nano"),
    );
    expect(answers.every((answer) => typeof answer === "string")).toBe(true);
    const mini = server.requests.filter((request) => request.model === "gpt-4.1-mini");
    const nano = server.requests.filter((request) => request.model === "gpt-4.1-nano");
    expect([mini.length, nano.length]).toEqual([9, 9]);
    expect(busiestWindow(mini, 500)).toBeLessThanOrEqual(3);
    expect(busiestWindow(server.requests, 500)).toBeLessThanOrEqual(10);
    // While the 4th mini waits for its model, nano fills the provider's other 7 slots.
    expect(nano.filter((request) => request.time < mini[3].time).length).toBeGreaterThanOrEqual(7);
  });

  it("keeps a provider's concurrency under the global cap", async () => {
    server = await startFakeProviderServer({ latencyMs: 30 });
    await askEach(tempWorkspace(), 20, { maxConcurrency: 16, limits: { openai: { concurrency: 3 } } });
    expect(server.requests).toHaveLength(20);
    expect(server.maxInFlight).toBeLessThanOrEqual(3);
    expect(server.maxInFlight).toBeGreaterThan(1);
  });

  it("still retries a 429 from the provider through the retry policy", async () => {
    server = await startFakeProviderServer();
    server.failNext({ status: 429, retryAfterMs: 20 });
    const { answers, summary } = await askEach(tempWorkspace(), 3, { limits: { openai: { rpm: 100 } } });
    expect(answers.every((answer) => typeof answer === "string")).toBe(true);
    expect(summary.failedAttempts).toBe(1);
    expect(server.requests.map((request) => request.status).sort()).toEqual([200, 200, 200, 429]);
  });
});

describe("a tokens-per-window limit", () => {
  // 1,600 characters: 400 tokens estimated.
  const longPrompt = (index: number) => `Long ${index} ${"x".repeat(1600 - 6 - String(index).length)}`;

  async function askLong(count: number, reported: { inputTokens: number; outputTokens: number }) {
    server = await startFakeProviderServer();
    server.script({ match: /^Long/, reply: { usage: reported } });
    const pllm = await Parallellm.open(tempWorkspace(), {
      llm: "gpt-4.1-mini",
      clients: server.clientsFor(),
      summary: false,
      limits: { openai: { tokens: 1000, perMs: 500 } },
    });
    await pllm.forEach(
      Array.from({ length: count }, (_, index) => index),
      (index) => `long-${index}`,
      (index, agent) => agent.ask(longPrompt(index)).text(),
    );
    await pllm.close();
  }

  it("spreads large prompts so the reported tokens of any window stay within the limit", async () => {
    // Each answer reports 450 tokens: two fit in 1,000 per window, a third waits.
    await askLong(6, { inputTokens: 400, outputTokens: 50 });
    expect(server.requests).toHaveLength(6);
    expect(busiestWindow(server.requests, 500, () => 450)).toBeLessThanOrEqual(1000);
    expect(server.requests.at(-1)!.time - server.requests[0].time).toBeGreaterThanOrEqual(1000);
  });

  it("replaces the estimate by the reported usage, so smaller answers let the next requests go at once", async () => {
    // 400 estimated, 100 reported: after each answer there is room for the next.
    await askLong(6, { inputTokens: 80, outputTokens: 20 });
    expect(server.requests).toHaveLength(6);
    // By the estimates alone, the 3rd would wait for the window (500 ms).
    expect(server.requests[5].time - server.requests[0].time).toBeLessThan(500);
  });
});
