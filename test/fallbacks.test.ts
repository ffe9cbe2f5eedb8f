/**
 * Fallbacks (`llm: [primary, fallback...]`): when a model fails for good for an
 * ask (after its retries), the next one answers; the answer is stored under the
 * call's identity with the model that gave it, and replayed without a request.
 * Through the official SDKs against the fake server, with a real SQLite store.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  FallbacksFailedError,
  InputError,
  type LLMChoice,
  Parallellm,
  type ParallellmOptions,
  ProviderRequestError,
  TransientProviderError,
} from "../src/index.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.setBatchBehavior({});
  server.resetLog();
});

const primary = "gpt-4.1-mini";
const fallback = "claude-sonnet-4-5";
const last = "gemini-2.5-flash";

function options(llm: LLMChoice, extra: ParallellmOptions = {}): ParallellmOptions {
  return {
    llm,
    strategy: "sync",
    clients: server.clientsFor(),
    retry: { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 },
    summary: false,
    ...extra,
  };
}

/** Fails the next `times` requests to `model` with `status` (2 outlast the retries of `options`). */
function failModel(model: string, status: number, times: number, message = `${model} is not available here.`): void {
  server.failNext({ status, times, message, retryAfterMs: 1, match: (context) => context.model === model });
}

async function askOnce(directory: string, llm: LLMChoice, extra: ParallellmOptions = {}) {
  const pllm = await Parallellm.open(directory, options(llm, extra));
  const text = await pllm.agent("asker", (agent) => agent.ask("Name a colour.").text());
  const summary = await pllm.close();
  return { text, summary };
}

async function storedModels(directory: string) {
  await using reader = await Parallellm.inspect(directory);
  const page = await reader.calls();
  return page.calls.map((call) => ({ provider: call.provider, model: call.model, status: call.status }));
}

describe("fallbacks, sent directly", () => {
  for (const strategy of ["sync", "async", "hybrid"] as const) {
    it(`${strategy}: a primary that rejects the request: the fallback answers, stored under its model; a rerun replays it with 0 sends`, async () => {
      failModel(primary, 400, 1);
      const directory = tempWorkspace();
      const first = await askOnce(directory, [primary, fallback], { strategy });
      expect(first.text).toEqual(expect.any(String));
      expect(first.summary).toMatchObject({ sent: 1, received: 1, failed: 0, failedForGood: 0 });
      expect(server.counts).toMatchObject({ openai: 1, anthropic: 1 });
      expect(await storedModels(directory)).toEqual([{ provider: "anthropic", model: fallback, status: "answered" }]);
      await using reader = await Parallellm.inspect(directory);
      const cost = await reader.cost();
      // Priced at the model that answered ($3 in, $15 out per million tokens), not at the primary.
      const [line] = cost.allTime.byModel;
      expect(cost.allTime.byModel).toHaveLength(1);
      expect(line).toMatchObject({ name: fallback, answers: 1 });
      expect(line?.cost).toBeCloseTo(((line?.inputTokens ?? 0) * 3 + (line?.outputTokens ?? 0) * 15) / 1e6, 12);

      server.resetLog();
      const second = await askOnce(directory, [primary, fallback], { strategy });
      expect(second.text).toBe(first.text);
      expect(second.summary).toMatchObject({ replayed: 1, sent: 0 });
      expect(server.requests).toHaveLength(0);
    });
  }

  it("a primary still rate limited after its retries: the fallback answers", async () => {
    failModel(primary, 429, 2);
    const directory = tempWorkspace();
    const { summary } = await askOnce(directory, [primary, fallback], { strategy: "async" });
    expect(summary).toMatchObject({ received: 1, failed: 0, failedAttempts: 2 });
    expect(server.counts).toMatchObject({ openai: 2, anthropic: 1 });
    expect(await storedModels(directory)).toEqual([{ provider: "anthropic", model: fallback, status: "answered" }]);
  });

  it("a primary that answers: no fallback is asked, and the answer is stored under the primary", async () => {
    const directory = tempWorkspace();
    await askOnce(directory, [primary, fallback]);
    expect(server.counts).toMatchObject({ openai: 1, anthropic: 0 });
    expect(await storedModels(directory)).toEqual([{ provider: "openai", model: primary, status: "answered" }]);
  });

  it("every model failing: one error listing each model's failure, in order", async () => {
    failModel(primary, 400, 1, "primary refused");
    failModel(fallback, 529, 2, "fallback overloaded");
    failModel(last, 400, 1, "last refused");
    const directory = tempWorkspace();
    const pllm = await Parallellm.open(directory, options([primary, fallback, last]));
    const error = await pllm
      .agent("asker", (agent) => agent.ask("Name a colour.").text())
      .catch((caught: unknown) => caught);
    const summary = await pllm.close();
    expect(error).toBeInstanceOf(FallbacksFailedError);
    const failures = (error as FallbacksFailedError).failures;
    expect(failures.map((failure) => [failure.constructor, failure.model, failure.statusCode])).toEqual([
      [ProviderRequestError, primary, 400],
      [TransientProviderError, fallback, 529],
      [ProviderRequestError, last, 400],
    ]);
    expect((error as Error).message).toMatch(
      /^Agent "asker" \(ask at .*fallbacks\.test\.ts:\d+:\d+\): all 3 models of this ask's llm list failed: \(1\) openai \(gpt-4\.1-mini\) failed with HTTP 400: primary refused.* \(2\) anthropic \(claude-sonnet-4-5\) failed with HTTP 529: fallback overloaded.* \(3\) google \(gemini-2\.5-flash\) failed with HTTP 400: last refused/,
    );
    expect(error).toMatchObject({ model: last, statusCode: 400, kind: "request-rejected" });
    expect(summary).toMatchObject({ sent: 1, received: 0, failed: 1, failedForGood: 1 });
  });

  it("structured output and tools keep working through a fallback to another provider", async () => {
    failModel(primary, 400, 2);
    server.script({ provider: "anthropic", reply: { json: { colour: "teal" } }, times: 1 });
    server.script({
      provider: "google",
      reply: { toolCalls: [{ name: "paint", args: { colour: "teal" } }] },
      times: 1,
    });
    const Colour = z.object({ colour: z.string() });
    const tools = { paint: { description: "Paint a wall.", parameters: z.object({ colour: z.string() }) } };
    const directory = tempWorkspace();
    const run = async () => {
      const pllm = await Parallellm.open(directory, options(primary));
      const result = await pllm.agent("painter", async (agent) => {
        const value = await agent.ask("Pick a colour.", { schema: Colour, llm: [primary, fallback] }).value();
        const calls = await agent
          .ask("Paint the wall.", { tools, llm: [primary, { id: "backup-painter", provider: "google", model: last }] })
          .toolCalls();
        return { value, calls };
      });
      const summary = await pllm.close();
      return { result, summary };
    };
    const first = await run();
    expect(first.result).toEqual({
      value: { colour: "teal" },
      calls: [expect.objectContaining({ name: "paint", args: { colour: "teal" } })],
    });
    expect(server.counts).toMatchObject({ openai: 2, anthropic: 1, google: 1 });
    const anthropicBody = server.requests.find((request) => request.provider === "anthropic")?.body as {
      output_format?: unknown;
      tools?: unknown;
    };
    expect(JSON.stringify(anthropicBody)).toContain("colour");
    expect((await storedModels(directory)).map((call) => call.model).sort()).toEqual([fallback, last].sort());

    server.resetLog();
    const second = await run();
    expect(second.result).toEqual(first.result);
    expect(second.summary).toMatchObject({ replayed: 2, sent: 0 });
  });
});

describe("fallbacks in batch mode", () => {
  it("the primary goes into its provider's batch; a request rejected there goes to the fallback's batch next run", async () => {
    server.setBatchBehavior({
      failRequest: (context) => (context.provider === "openai" ? { status: 400, message: "no primary" } : undefined),
    });
    const directory = tempWorkspace();
    const batchOptions = options([primary, fallback], { strategy: "batch", onError: "record" });
    const openaiBefore = server.batchesOf("openai").length;
    const anthropicBefore = server.batchesOf("anthropic").length;
    const ask = (pllm: Parallellm) => pllm.agent("asker", (agent) => agent.ask("Name a colour.").text());

    const first = await Parallellm.run(directory, batchOptions, ask);
    expect(first.summary.batches.submitted).toMatchObject([{ provider: "openai", model: primary, requestCount: 1 }]);
    const second = await Parallellm.run(directory, batchOptions, ask);
    expect(second.summary.batches).toMatchObject({ ingested: 1, failedRequests: 1 });
    expect(second.summary.batches.submitted).toMatchObject([
      { provider: "anthropic", model: fallback, requestCount: 1 },
    ]);
    const third = await Parallellm.run(directory, batchOptions, ask);
    expect(third.result).toEqual(expect.any(String));
    expect(server.batchesOf("openai").length - openaiBefore).toBe(1);
    expect(server.batchesOf("anthropic").length - anthropicBefore).toBe(1);
    expect(await storedModels(directory)).toEqual([{ provider: "anthropic", model: fallback, status: "answered" }]);

    server.resetLog();
    const fourth = await Parallellm.run(directory, batchOptions, ask);
    expect(fourth.result).toBe(third.result);
    expect(fourth.summary).toMatchObject({ replayed: 1, collected: 0 });
    expect(server.requests).toHaveLength(0);
  });
});

describe("fallbacks across runs", () => {
  it("a primary whose requests fail in 3 batches (transient errors) gives way to the fallback", async () => {
    server.setBatchBehavior({
      failRequest: (context) => (context.provider === "openai" ? { status: 500, message: "busy" } : undefined),
    });
    const directory = tempWorkspace();
    const openaiBefore = server.batchesOf("openai").length;
    const done = await Parallellm.run(
      directory,
      options([primary, fallback], { strategy: "batch", onError: "record" }),
      (pllm) => pllm.agent("asker", (agent) => agent.ask("Name a colour.").text()),
      { untilDone: true, pollInterval: 1, maxRuns: 10 },
    );
    expect(done.result).toEqual(expect.any(String));
    expect(server.batchesOf("openai").length - openaiBefore).toBe(3);
    expect(await storedModels(directory)).toEqual([{ provider: "anthropic", model: fallback, status: "answered" }]);
  });

  it("a fallback's batches are counted on their own: its first transient batch failure is resubmitted", async () => {
    let anthropicFailures = 0;
    server.setBatchBehavior({
      failRequest: (context) => {
        if (context.provider === "openai") return { status: 500, message: "busy" };
        if (context.provider === "anthropic" && anthropicFailures++ === 0) return { status: 500, message: "busy too" };
        return undefined;
      },
    });
    const directory = tempWorkspace();
    const anthropicBefore = server.batchesOf("anthropic").length;
    const done = await Parallellm.run(
      directory,
      options([primary, fallback], { strategy: "batch", onError: "record" }),
      (pllm) => pllm.agent("asker", (agent) => agent.ask("Name a colour.").text()),
      { untilDone: true, pollInterval: 1, maxRuns: 12 },
    );
    expect(done.result).toEqual(expect.any(String));
    expect(server.batchesOf("anthropic").length - anthropicBefore).toBe(2);
    expect(await storedModels(directory)).toEqual([{ provider: "anthropic", model: fallback, status: "answered" }]);
  });

  it("sync: after every model rejected the ask, a rerun sends nothing and names the last model's failure", async () => {
    failModel(primary, 400, 1);
    failModel(fallback, 400, 1);
    failModel(last, 400, 1, "last refused");
    const directory = tempWorkspace();
    const ask = async () => {
      const pllm = await Parallellm.open(directory, options([primary, fallback, last]));
      const error = await pllm
        .agent("asker", (agent) => agent.ask("Name a colour.").text())
        .catch((caught: unknown) => caught);
      return { error, summary: await pllm.close() };
    };
    const first = await ask();
    expect(first.error).toBeInstanceOf(FallbacksFailedError);
    expect(first.summary).toMatchObject({ failed: 1, failedForGood: 1 });

    server.resetLog();
    const second = await ask();
    expect(server.requests).toHaveLength(0);
    expect(second.error).toBeInstanceOf(ProviderRequestError);
    expect((second.error as Error).message).toMatch(
      /google \(gemini-2\.5-flash\) rejected this request with HTTP 400: last refused/,
    );
    expect(second.summary).toMatchObject({ sent: 0, failedForGood: 1 });
  });

  it("sync: after a transient failure of the last model, a rerun asks the list again from the first model", async () => {
    failModel(primary, 400, 1);
    failModel(fallback, 529, 2);
    const directory = tempWorkspace();
    const first = await askOnce(directory, [primary, fallback], { onError: "record" });
    expect(first.summary).toMatchObject({ failed: 1, failedForGood: 0 });

    server.resetLog();
    const second = await askOnce(directory, [primary, fallback], { onError: "record" });
    expect(second.summary).toMatchObject({ sent: 1, received: 1 });
    expect(server.counts).toMatchObject({ openai: 1, anthropic: 0 });
    expect(await storedModels(directory)).toEqual([{ provider: "openai", model: primary, status: "answered" }]);
  });
});

describe("the llm list", () => {
  const refuse = async (llm: unknown, message: RegExp) => {
    await expect(Parallellm.open(tempWorkspace(), options(llm as LLMChoice))).rejects.toThrow(InputError);
    await expect(Parallellm.open(tempWorkspace(), options(llm as LLMChoice))).rejects.toThrow(message);
  };

  it("refuses an empty list, a model listed twice and a list in the list, at open", async () => {
    await refuse([], /llm is an empty list/);
    await refuse([primary, `openai:${primary}`], /lists openai:gpt-4\.1-mini twice \(at 0 and 1\)/);
    await refuse([primary, [fallback]], /llm\[1\] is a list/);
  });

  it("refuses the same mistakes for an agent and per ask", async () => {
    const pllm = await Parallellm.open(tempWorkspace(), options(primary));
    const asked = pllm.agent("asker", (agent) => agent.ask("Name a colour.", { llm: [fallback, fallback] }).text());
    await expect(asked).rejects.toThrow(/lists anthropic:claude-sonnet-4-5 twice/);
    const defaults = pllm.agent("defaults", { llm: [] }, (agent) => agent.ask("Name a colour.").text());
    await expect(defaults).rejects.toThrow(/llm is an empty list/);
    await pllm.close();
    expect(server.requests).toHaveLength(0);
  });

  it("refuses at the ask a request a fallback's provider cannot take, before anything is sent", async () => {
    const pllm = await Parallellm.open(tempWorkspace(), options(primary));
    const Labels = z.record(z.string(), z.string());
    const asked = pllm.agent("asker", (agent) =>
      agent.ask("Label the colours.", { schema: Labels, llm: [primary, fallback] }).value(),
    );
    await expect(asked).rejects.toThrow(InputError);
    await pllm.close();
    expect(server.requests).toHaveLength(0);
  });

  it("identity: a one-model list is that model; a list is its own call, stable across runs", async () => {
    const directory = tempWorkspace();
    const hashOf = async (llm: LLMChoice) => {
      const pllm = await Parallellm.open(directory, options(llm));
      const hash = await pllm.agent("asker", async (agent) => {
        const handle = agent.ask("Name a colour.");
        await handle.text();
        return handle.hash;
      });
      await pllm.close();
      return hash;
    };
    const single = await hashOf(primary);
    expect(await hashOf([primary])).toBe(single);
    const listed = await hashOf([primary, fallback]);
    expect(listed).not.toBe(single);
    expect(await hashOf([primary, fallback])).toBe(listed);
    expect(await hashOf([fallback, primary])).not.toBe(listed);
  });
});
