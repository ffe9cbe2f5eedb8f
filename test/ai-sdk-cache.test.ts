/**
 * parallellm as AI SDK middleware: `generateText` and `generateObject` through
 * `wrapLanguageModel({ model, middleware: parallellmCache(dir) })` with
 * `@ai-sdk/openai` pointed at the fake provider server. Calls are stored as the
 * workspace's own (provider, model, usage, one agent), a new cache (the next
 * process) replays them with nothing sent, and errors reach the AI SDK as its own.
 */
import { createOpenAI } from "@ai-sdk/openai";
import { APICallError, generateObject, generateText, jsonSchema, wrapLanguageModel } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { parallellmCache } from "../src/ai-sdk.js";
import { Parallellm } from "../src/index.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { runPllm, tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;

beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());

const openai = () => createOpenAI({ baseURL: `${server.url}/v1`, apiKey: "fake" });
const sent = () => server.requests.filter((request) => request.path === "/v1/responses").length;

describe("parallellmCache", () => {
  it("stores generateText calls, tells identical ones apart by occurrence, and replays them with 0 sends", async () => {
    const directory = tempWorkspace();
    const run = async () => {
      const cache = parallellmCache(directory);
      const model = wrapLanguageModel({ model: openai()("gpt-4.1-mini"), middleware: cache });
      const answers = await Promise.all([
        generateText({ model, prompt: "Name a colour." }),
        generateText({ model, prompt: "Name a colour." }),
        generateText({ model, system: "Be terse.", prompt: "Name a fruit.", temperature: 0.3 }),
      ]);
      await cache.close();
      return answers.map(({ text, usage, finishReason }) => ({ text, usage: usage.inputTokens, finishReason }));
    };
    const before = sent();
    const first = await run();
    expect(sent() - before).toBe(3);
    expect(first[0]?.text).toContain("Name a colour.");
    expect(first[2]?.text).toContain("Name a fruit.");
    const second = await run();
    expect(sent() - before).toBe(3);
    expect(second).toEqual(first);

    await using reader = await Parallellm.inspect(directory);
    const { calls } = await reader.calls();
    expect(calls).toHaveLength(3);
    expect(calls.map((call) => [call.agent, call.provider, call.model, call.status])).toEqual(
      Array(3).fill(["ai-sdk", "openai.responses", "gpt-4.1-mini", "answered"]),
    );
    expect(calls.map((call) => call.occurrence).sort()).toEqual([0, 0, 1]);
    expect(calls.every((call) => (call.inputTokens ?? 0) > 0)).toBe(true);
  });

  it("stores generateObject calls and replays the object with 0 sends", async () => {
    const directory = tempWorkspace();
    const run = async () => {
      const cache = parallellmCache({ directory, agent: "objects" });
      const model = wrapLanguageModel({ model: openai()("gpt-4.1-mini"), middleware: cache });
      const { object } = await generateObject({
        model,
        schema: z.object({ city: z.string(), population: z.number() }),
        prompt: "The largest city of Norway.",
      });
      await cache.close();
      return object;
    };
    const before = sent();
    const first = await run();
    expect(first).toEqual({ city: expect.any(String), population: expect.any(Number) });
    expect(await run()).toEqual(first);
    expect(sent() - before).toBe(1);
  });

  it("replays tool calls, and a call with other options is another call", async () => {
    const directory = tempWorkspace();
    server.script({
      provider: "openai",
      match: "weather in Oslo",
      reply: { toolCalls: [{ name: "weather", args: { city: "Oslo" } }] },
    });
    const tools = {
      weather: {
        description: "The weather",
        inputSchema: jsonSchema<{ city: string }>({
          type: "object",
          properties: { city: { type: "string" } },
          required: ["city"],
          additionalProperties: false,
        }),
      },
    };
    const run = async (temperature: number) => {
      const cache = parallellmCache(directory);
      const model = wrapLanguageModel({ model: openai()("gpt-4.1-mini"), middleware: cache });
      const { toolCalls } = await generateText({ model, tools, temperature, prompt: "What is the weather in Oslo?" });
      await cache.close();
      return toolCalls.map(({ toolName, input }) => ({ toolName, input }));
    };
    const before = sent();
    const first = await run(0);
    expect(first).toEqual([{ toolName: "weather", input: { city: "Oslo" } }]);
    expect(await run(0)).toEqual(first);
    expect(sent() - before).toBe(1);
    await run(1);
    expect(sent() - before).toBe(2);
  });

  it("serves several models from one cache, and `pllm calls` lists their calls", async () => {
    const directory = tempWorkspace();
    const cache = parallellmCache(directory);
    const mini = wrapLanguageModel({ model: openai()("gpt-4.1-mini"), middleware: cache });
    const chat = wrapLanguageModel({ model: openai().chat("gpt-4.1-nano"), middleware: cache });
    await generateText({ model: mini, prompt: "One." });
    await generateText({ model: chat, prompt: "Two." });
    await cache.close();
    const listed = await runPllm(["calls", directory], { ...process.env, NO_COLOR: "1" });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain("openai.responses");
    expect(listed.stdout).toContain("openai.chat");
  });

  it("hands the AI SDK its own error, which it may retry, and stores no answer", async () => {
    const directory = tempWorkspace();
    server.failNext({ provider: "openai", status: 400, message: "Invalid model parameters", match: "Refused prompt" });
    const cache = parallellmCache({ directory, logLevel: "silent" });
    const model = wrapLanguageModel({ model: openai()("gpt-4.1-mini"), middleware: cache });
    const error = await generateText({ model, prompt: "Refused prompt", maxRetries: 0 }).catch((caught) => caught);
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error.statusCode).toBe(400);
    // Sent again on the next call, as without a cache: a failure is never an answer.
    const { text } = await generateText({ model, prompt: "Refused prompt", maxRetries: 0 });
    expect(text).toContain("Refused prompt");
    await cache.close();
  });
});
