/**
 * The cache middleware's keys and lifecycle, with the AI SDK's mock model:
 * what makes two calls one (every option that shapes the answer, nothing
 * else), prompts that are no valid ask, streams, and the workspace released
 * when the process runs out of work.
 */
import type { LanguageModelV3CallOptions } from "@ai-sdk/provider";
import { wrapLanguageModel } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { tempWorkspace } from "../../../test/helpers.js";
import { Parallellm } from "../../parallellm.js";
import { parallellmCache } from "./parallellm-cache.js";

const answer = {
  content: [{ type: "text" as const, text: "Hi." }],
  finishReason: { unified: "stop" as const, raw: "stop" },
  usage: {
    inputTokens: { total: 4, noCache: 4, cacheRead: undefined, cacheWrite: undefined },
    outputTokens: { total: 2, text: 2, reasoning: undefined },
  },
  warnings: [],
};

function setup(directory = tempWorkspace()) {
  const mock = new MockLanguageModelV3({ provider: "mock.chat", modelId: "m", doGenerate: answer });
  const cache = parallellmCache(directory);
  const model = wrapLanguageModel({ model: mock, middleware: cache });
  return { directory, mock, cache, model };
}

const params = (overrides: Partial<LanguageModelV3CallOptions> = {}): LanguageModelV3CallOptions => ({
  prompt: [{ role: "user", content: [{ type: "text", text: "Hello" }] }],
  ...overrides,
});

describe("parallellmCache keys", () => {
  it("options that shape the answer make another call, the model's own or not parallellm's", async () => {
    const directory = tempWorkspace();
    const calls = [
      params({ providerOptions: { mock: { style: "a" } } }),
      params({ providerOptions: { mock: { style: "b" } } }),
      params({ topK: 3 }),
    ];
    const first = setup(directory);
    for (const call of calls) await first.model.doGenerate(call);
    await first.cache.close();
    const second = setup(directory);
    for (const call of calls) await second.model.doGenerate(call);
    await second.cache.close();
    expect([first.mock.doGenerateCalls.length, second.mock.doGenerateCalls.length]).toEqual([3, 0]);
  });

  it("replays a call with the same options in the next process, whatever its headers and signal", async () => {
    const directory = tempWorkspace();
    const first = setup(directory);
    const shaped = params({ temperature: 0.1, prompt: [{ role: "system", content: "Terse." }, ...params().prompt] });
    const live = await first.model.doGenerate(shaped);
    await first.cache.close();
    const second = setup(directory);
    const replayed = await second.model.doGenerate({
      ...shaped,
      headers: { "x-trace": "1" },
      abortSignal: new AbortController().signal,
    });
    await second.cache.close();
    expect(second.mock.doGenerateCalls).toHaveLength(0);
    expect(replayed.content).toEqual(live.content);
    expect(replayed.usage.inputTokens.total).toBe(4);
    expect(replayed.finishReason).toEqual({ unified: "stop", raw: "stop" });
  });

  it("stores a prompt that is no valid ask as messages (blank text, reasoning) and replays it", async () => {
    const directory = tempWorkspace();
    const odd = params({
      prompt: [
        { role: "assistant", content: [{ type: "reasoning", text: "Hm." }] },
        { role: "user", content: [{ type: "text", text: " " }] },
      ],
    });
    const first = setup(directory);
    await first.model.doGenerate(odd);
    await first.cache.close();
    const second = setup(directory);
    await second.model.doGenerate(odd);
    await second.cache.close();
    expect([first.mock.doGenerateCalls.length, second.mock.doGenerateCalls.length]).toEqual([1, 0]);
  });
});

describe("parallellmCache lifecycle", () => {
  it("passes streams through, uncached", async () => {
    const mock = new MockLanguageModelV3({
      provider: "mock.chat",
      modelId: "m",
      doStream: { stream: new ReadableStream({ start: (controller) => controller.close() }) },
    });
    const cache = parallellmCache(tempWorkspace());
    await wrapLanguageModel({ model: mock, middleware: cache }).doStream(params());
    expect(mock.doStreamCalls).toHaveLength(1);
    await cache.close();
  });

  it("holds the workspace until closed, and closes when the process runs out of work", async () => {
    const { directory, model } = setup();
    await model.doGenerate(params());
    await expect(Parallellm.open(directory, { summary: false })).rejects.toThrow(/lock/i);
    process.emit("beforeExit", 0);
    await expect
      .poll(async () => {
        const pllm = await Parallellm.open(directory, { summary: false }).catch(() => undefined);
        await pllm?.close();
        return pllm !== undefined;
      })
      .toBe(true);
  });
});
