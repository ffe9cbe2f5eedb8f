/**
 * An AI SDK model as a provider, end to end: `@ai-sdk/openai` pointed at the
 * fake provider server answers asks in sync, async and hybrid, a rerun replays
 * them with nothing sent, and batch sends them directly with one warning per model.
 */
import { createOpenAI } from "@ai-sdk/openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { fromAiSdk } from "../src/ai-sdk.js";
import { Parallellm, type ParallellmOptions, toolResult } from "../src/index.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;

beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());

function openaiModel(id = "gpt-4.1-mini") {
  return createOpenAI({ baseURL: `${server.url}/v1`, apiKey: "fake" })(id);
}

function sent(): number {
  return server.requests.filter((request) => request.path === "/v1/responses").length;
}

const quiet: ParallellmOptions = { summary: false, logLevel: "silent" };

describe("fromAiSdk with @ai-sdk/openai against the fake server", () => {
  for (const strategy of ["sync", "async", "hybrid"] as const) {
    it(`answers asks in ${strategy} and a rerun replays them with 0 sends`, async () => {
      const directory = tempWorkspace();
      const run = async () => {
        await using pllm = await Parallellm.open(directory, { ...quiet, strategy, llm: fromAiSdk(openaiModel()) });
        return pllm.forEach(
          ["Oslo", "Lima", "Pune"],
          (city) => `city/${city}`,
          async (city, agent) => {
            const answer = agent.ask(`Describe ${city} in a sentence.`);
            const verdict = agent.ask(`Is ${city} a capital?`, {
              schema: z.object({ capital: z.boolean() }),
            });
            return { text: await answer.text(), value: await verdict.value(), usage: await answer.usage() };
          },
        );
      };
      const before = sent();
      const first = await run();
      expect(sent() - before).toBe(6);
      expect(first[0]?.text).toContain("Oslo");
      expect(typeof first[0]?.value.capital).toBe("boolean");
      expect(first[0]?.usage.inputTokens).toBeGreaterThan(0);
      const second = await run();
      expect(sent() - before).toBe(6);
      expect(second).toEqual(first);
    });
  }
});

describe("fromAiSdk tool calls with @ai-sdk/openai", () => {
  for (const strategy of ["sync", "async"] as const) {
    it(`round-trips a tool call and its result in ${strategy}`, async () => {
      server.script({
        provider: "openai",
        match: (context) => context.prompt.includes("weather in Bergen") && !context.afterToolResult,
        reply: { toolCalls: [{ name: "weather", args: { city: "Bergen" } }] },
      });
      const tools = {
        weather: {
          description: "The weather in a city",
          parameters: {
            type: "object",
            properties: { city: { type: "string" } },
            required: ["city"],
            additionalProperties: false,
          },
        },
      };
      await using pllm = await Parallellm.open(tempWorkspace(), { ...quiet, strategy, llm: fromAiSdk(openaiModel()) });
      const result = await pllm.agent("weather", async (agent) => {
        const first = agent.ask("What is the weather in Bergen?", { tools });
        const calls = await first.toolCalls();
        const [call] = calls;
        const second = agent.ask(["What is the weather in Bergen?", first, toolResult(call!.id, call!.name, "rain")], {
          tools,
        });
        return { calls, text: await second.text() };
      });
      expect(result?.calls).toEqual([{ id: expect.any(String), name: "weather", args: { city: "Bergen" } }]);
      expect(result?.text).toEqual(expect.any(String));
      const last = server.requests.at(-1)?.body as { input: { type?: string; output?: string }[] };
      expect(last.input).toContainEqual(expect.objectContaining({ type: "function_call_output", output: "rain" }));
    });
  }
});

describe("fromAiSdk in batch", () => {
  it("sends its asks directly, with one warning per model, and a rerun replays them", async () => {
    const directory = tempWorkspace();
    const warnings: { fields: object; message: string }[] = [];
    const logger = {
      debug: () => {},
      info: () => {},
      warn: (fields: object, message: string) => warnings.push({ fields, message }),
      error: () => {},
    };
    const mini = fromAiSdk(openaiModel("gpt-4.1-mini"));
    const nano = fromAiSdk(openaiModel("gpt-4.1-nano"));
    const run = async () => {
      await using pllm = await Parallellm.open(directory, { summary: false, logger, strategy: "batch" });
      return pllm.forEach(
        [1, 2, 3],
        (item) => `item/${item}`,
        async (item, agent) => {
          const small = agent.ask(`Count to ${item}.`, { llm: mini });
          const smaller = agent.ask(`Count to ${item}.`, { llm: nano });
          return [await small.text(), await smaller.text()];
        },
      );
    };
    const before = sent();
    const first = await run();
    expect(sent() - before).toBe(6);
    expect(server.batchesOf("openai")).toHaveLength(0);
    expect(first.every((texts) => texts?.every((text) => text.includes("Count to")))).toBe(true);
    const direct = warnings.filter(({ message }) => message.includes("no Batch API"));
    expect(direct.map(({ fields }) => fields)).toEqual([
      expect.objectContaining({ provider: "openai.responses", model: "gpt-4.1-mini" }),
      expect.objectContaining({ provider: "openai.responses", model: "gpt-4.1-nano" }),
    ]);
    expect(await run()).toEqual(first);
    expect(sent() - before).toBe(6);
  });
});

describe("fromAiSdk and a successful response it cannot read", () => {
  it("retries it as an unreadable response instead of failing the ask for good", async () => {
    server.resetLog();
    server.setHostility({ kind: "malformed-json", provider: "openai", match: "Name a cut colour", times: 1 });
    const directory = tempWorkspace();
    const options: ParallellmOptions = {
      ...quiet,
      strategy: "sync",
      llm: fromAiSdk(openaiModel()),
      retry: { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 },
    };
    const pllm = await Parallellm.open(directory, options);
    const text = await pllm.agent("painter", (agent) => agent.ask("Name a cut colour.").text());
    const summary = await pllm.close();
    expect(text).toMatch(/\S/);
    expect(sent()).toBe(2);
    expect(summary).toMatchObject({ received: 1, failed: 0, failedAttempts: 1 });
  });
});
