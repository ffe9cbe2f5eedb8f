/**
 * Streaming answers (`textStream()`, `partialValue()`): each provider's official
 * SDK streaming call against the fake server, which streams in each provider's
 * own event format; the answer is stored once, whole, when the stream ends, and
 * replays as a stream. With a real SQLite store.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type LLMChoice, Parallellm, type ParallellmOptions, StreamRestarted } from "../src/index.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { collectDeltas, openaiChat, tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());
beforeEach(() => server.resetLog());

const story = "Once upon a time a small robot learned to paint the sea, one careful wave at a time.";

function options(llm: LLMChoice, extra: ParallellmOptions = {}): ParallellmOptions {
  return {
    llm,
    strategy: "sync",
    clients: server.clientsFor(),
    providers: openaiChat(server),
    retry: { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 3 },
    summary: false,
    logLevel: "silent",
    ...extra,
  };
}

/** What an agent returned (it halts only in batch mode, which these runs do not use). */
function returned<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("The agent halted.");
  return value;
}

async function rawOf(directory: string, id: number) {
  await using reader = await Parallellm.inspect(directory);
  return (await reader.call(id))?.raw;
}

async function storedCalls(directory: string) {
  await using reader = await Parallellm.inspect(directory);
  return (await reader.calls()).calls;
}

const models: readonly [string, string][] = [
  ["OpenAI Responses", "gpt-4.1-mini"],
  ["OpenAI Chat Completions", "openai-chat:gpt-4.1-mini"],
  ["Anthropic Messages", "claude-sonnet-4-5"],
  ["Gemini", "gemini-2.5-flash"],
];

describe.each(models)("streaming through %s", (_label, llm) => {
  it("streams deltas that concatenate to the stored text, stored once; a rerun replays them as a stream", async () => {
    server.script({ match: "Tell a story", reply: { text: story, usage: { inputTokens: 7, outputTokens: 21 } } });
    const directory = tempWorkspace();
    const pllm = await Parallellm.open(directory, options(llm, { keepRaw: true }));
    const { deltas, text, usage } = returned(
      await pllm.agent("teller", async (agent) => {
        const handle = agent.ask("Tell a story.");
        const deltas = await collectDeltas(handle.textStream());
        return { deltas, text: await handle.text(), usage: await handle.usage() };
      }),
    );
    await pllm.close();
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join("")).toBe(story);
    expect(text).toBe(story);
    expect(usage).toMatchObject({ inputTokens: 7, outputTokens: 21 });
    const sent = server.requests.filter((request) => request.status === 200);
    expect(sent).toHaveLength(1);
    const calls = await storedCalls(directory);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ status: "answered", text: story, inputTokens: 7, outputTokens: 21, failures: 0 });
    // With keepRaw, the response the stream made up is kept, as a whole response is.
    const raw = JSON.stringify(await rawOf(directory, calls[0].id!));
    expect(raw).toContain(story.slice(0, 20));
    expect(raw).not.toContain("sdkHttpResponse");

    server.resetLog();
    const again = await Parallellm.open(directory, options(llm));
    const replayed = returned(
      await again.agent("teller", async (agent) => {
        const handle = agent.ask("Tell a story.");
        return { deltas: await collectDeltas(handle.textStream()), replayed: handle.replayed };
      }),
    );
    await again.close();
    expect(replayed.deltas.join("")).toBe(story);
    expect(replayed.replayed).toBe(true);
    expect(server.requests).toHaveLength(0);
  });

  it("stores nothing of a stream cut off midway and sends it again; the consumer is told to restart", async () => {
    server.script({ match: "Tell a long story", reply: story });
    server.cutStream({ afterEvents: 6 });
    const directory = tempWorkspace();
    const pllm = await Parallellm.open(directory, options(llm));
    const outcome = returned(
      await pllm.agent("teller", async (agent) => {
        const handle = agent.ask("Tell a long story.");
        const first: string[] = [];
        let restarted: unknown;
        try {
          for await (const delta of handle.textStream()) first.push(delta);
        } catch (error) {
          restarted = error;
        }
        return { first, restarted, again: await collectDeltas(handle.textStream()), text: await handle.text() };
      }),
    );
    const summary = await pllm.close();
    expect(outcome.first.length).toBeGreaterThan(0);
    expect(outcome.restarted).toBeInstanceOf(StreamRestarted);
    expect(outcome.again.join("")).toBe(story);
    expect(outcome.text).toBe(story);
    expect(server.requests).toHaveLength(2);
    expect(summary).toMatchObject({ received: 1, failed: 0, failedAttempts: 1 });
    const calls = await storedCalls(directory);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ text: story, failures: 1 });
  });

  it("stores nothing of a stream that ends early in good order, without its last event, and sends it again", async () => {
    server.script({ match: "Tell an unfinished story", reply: story });
    server.cutStream({ afterEvents: 6, ends: true });
    const directory = tempWorkspace();
    const pllm = await Parallellm.open(directory, options(llm));
    const text = await pllm.agent("teller", (agent) => {
      const handle = agent.ask("Tell an unfinished story.");
      // Asked for, never read: the call is streamed all the same.
      handle.textStream();
      return handle.text();
    });
    const summary = await pllm.close();
    expect(text).toBe(story);
    expect(server.requests).toHaveLength(2);
    expect(summary).toMatchObject({ received: 1, failed: 0, failedAttempts: 1 });
    expect(await storedCalls(directory)).toMatchObject([{ text: story, failures: 1 }]);
  });

  it("stores the tool calls of a streamed answer as a call sent whole stores them", async () => {
    const tools = {
      get_weather: {
        description: "The weather in a city.",
        parameters: z.object({ city: z.string(), days: z.number() }),
      },
    };
    const toolCalls = [{ name: "get_weather", args: { city: "Oslo", days: 3 } }];
    server.script({ match: "Weather for the trip", reply: { text: "Let me look.", toolCalls } });
    const pllm = await Parallellm.open(tempWorkspace(), options(llm));
    const outcome = returned(
      await pllm.agent("planner", async (agent) => {
        const handle = agent.ask("Weather for the trip?", { tools });
        const deltas = await collectDeltas(handle.textStream());
        return { deltas, result: await handle.result() };
      }),
    );
    await pllm.close();
    expect(outcome.result.toolCalls).toMatchObject(toolCalls);
    expect(outcome.result.finishReason.unified).toBe("tool-calls");
    expect(outcome.deltas.join("")).toBe(outcome.result.text);
  });

  it("streams partial structured output that ends in the validated value", async () => {
    const Trip = z.object({ city: z.string(), days: z.number(), sights: z.array(z.string()) });
    const trip = { city: "Lisbon", days: 3, sights: ["Belem Tower", "Alfama", "LX Factory"] };
    server.script({ match: "Plan a trip", reply: { json: trip } });
    const pllm = await Parallellm.open(tempWorkspace(), options(llm));
    const partials = returned(
      await pllm.agent("planner", async (agent) => {
        const seen: unknown[] = [];
        for await (const partial of agent.ask("Plan a trip.", { schema: Trip }).partialValue()) seen.push(partial);
        return seen;
      }),
    );
    await pllm.close();
    expect(partials.length).toBeGreaterThan(2);
    expect(partials.at(-1)).toEqual(trip);
    expect(partials.slice(0, -1).some((partial) => Object.keys(partial as object).length < 3)).toBe(true);
  });
});
