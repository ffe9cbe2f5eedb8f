/**
 * Streaming under each strategy and around it: batch asks refuse to stream,
 * hybrid's directly sent round streams, a fallback streams from the model that
 * answers, a stream asked for late or by two consumers, a provider without a
 * streaming call, an AI SDK model's `doStream`. Through the official SDKs
 * against the fake server, with a real SQLite store.
 */
import { createOpenAI } from "@ai-sdk/openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { fromAiSdk } from "../src/ai-sdk.js";
import { InputError, type LLMChoice, Parallellm, type ParallellmOptions, StreamRestarted } from "../src/index.js";
import type { Provider } from "../src/providers/provider.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { collectDeltas, tempWorkspace } from "./helpers.js";
import { describePg, tempPostgresStore } from "./postgres.js";

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.setBatchBehavior({});
  server.resetLog();
});

const story = "Once upon a time a small robot learned to paint the sea, one careful wave at a time.";

function options(llm: LLMChoice, extra: ParallellmOptions = {}): ParallellmOptions {
  return {
    llm,
    strategy: "sync",
    clients: server.clientsFor(),
    retry: { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 },
    summary: false,
    logLevel: "silent",
    ...extra,
  };
}

/** Streams `stream()` to its end, starting again each time it restarts; the deltas of the attempt that answered. */
async function streamThroughRestarts(
  stream: () => AsyncIterable<string>,
): Promise<{ deltas: string[]; restarts: number }> {
  for (let restarts = 0; ; restarts++) {
    try {
      return { deltas: await collectDeltas(stream()), restarts };
    } catch (error) {
      if (!(error instanceof StreamRestarted)) throw error;
    }
  }
}

describe("streaming and strategies", () => {
  it.each(["batch", "dry-run"] as const)(
    "a %s ask refuses to stream with an InputError; a replayed one streams",
    async (strategy) => {
      const directory = tempWorkspace();
      await Parallellm.run(directory, options("gpt-4.1-mini"), (pllm) =>
        pllm.agent("teller", (agent) => agent.ask("Tell a story.").text()),
      );
      server.resetLog();
      const pllm = await Parallellm.open(directory, options("gpt-4.1-mini", { strategy }));
      const outcome = await pllm.agent("teller", async (agent) => {
        const replayed = await collectDeltas(agent.ask("Tell a story.").textStream());
        const collected = agent.ask("Tell another story.");
        let refusal: unknown;
        try {
          collected.textStream();
        } catch (error) {
          refusal = error;
        }
        return { replayed, refusal };
      });
      await pllm.close();
      expect(outcome?.replayed.join("")).toMatch(/\S/);
      expect(outcome?.refusal).toBeInstanceOf(InputError);
      expect(String(outcome?.refusal)).toMatch(/collected for a provider batch, and batches do not stream/);
      expect(server.requests.filter((request) => request.path.endsWith("/responses"))).toHaveLength(0);
    },
  );

  it("hybrid sends a small round directly, streamed", async () => {
    server.script({ match: "Tell a story", reply: story });
    const pllm = await Parallellm.open(tempWorkspace(), options("gpt-4.1-mini", { strategy: "hybrid" }));
    const deltas = await pllm.agent("teller", (agent) => collectDeltas(agent.ask("Tell a story.").textStream()));
    await pllm.close();
    expect(deltas?.length).toBeGreaterThan(3);
    expect(deltas?.join("")).toBe(story);
    expect(server.requests.map((request) => (request.body as { stream?: boolean }).stream)).toEqual([true]);
  });

  it("a stream asked for after the answer came yields it whole; two consumers each stream it all", async () => {
    server.script({ match: "Tell a story", reply: story });
    const pllm = await Parallellm.open(tempWorkspace(), options("gpt-4.1-mini", { strategy: "async" }));
    const outcome = await pllm.agent("teller", async (agent) => {
      const streamed = agent.ask("Tell a story.");
      const [first, second] = await Promise.all([
        collectDeltas(streamed.textStream()),
        collectDeltas(streamed.textStream()),
      ]);
      const plain = agent.ask("Tell a story, again.");
      await plain.text();
      return { first, second, late: await collectDeltas(plain.textStream()) };
    });
    await pllm.close();
    expect(outcome?.first.join("")).toBe(story);
    expect(outcome?.second).toEqual(outcome?.first);
    expect(outcome?.late).toEqual([story]);
    expect(server.requests.map((request) => (request.body as { stream?: boolean }).stream)).toEqual([true, undefined]);
  });

  it("a fallback streams from the model that answers after the first was cut off midway", async () => {
    server.script({
      provider: "openai",
      match: "Tell a fallback story",
      reply: "The first model's story, never finished.",
    });
    server.script({ provider: "anthropic", match: "Tell a fallback story", reply: story });
    server.cutStream({ provider: "openai", afterEvents: 6, times: 2 });
    const directory = tempWorkspace();
    const pllm = await Parallellm.open(directory, options(["gpt-4.1-mini", "claude-sonnet-4-5"]));
    const outcome = await pllm.agent("teller", async (agent) => {
      const handle = agent.ask("Tell a fallback story.");
      return { ...(await streamThroughRestarts(() => handle.textStream())), text: await handle.text() };
    });
    const summary = await pllm.close();
    expect(outcome?.restarts).toBe(2);
    expect(outcome?.deltas.join("")).toBe(story);
    expect(outcome?.text).toBe(story);
    expect(summary).toMatchObject({ received: 1, failed: 0, failedAttempts: 2 });
    await using reader = await Parallellm.inspect(directory);
    expect((await reader.calls()).calls).toMatchObject([{ model: "claude-sonnet-4-5", text: story, failures: 2 }]);
  });

  it("an answer that does not match the schema, asked again with retryInvalid, restarts the stream with the retry", async () => {
    const Verdict = z.object({ winner: z.string() });
    server.script({ match: "Who wins the final?", reply: "not JSON at all, sorry", times: 1 });
    server.script({ match: "Who wins the final?", reply: { json: { winner: "Ada" } } });
    const pllm = await Parallellm.open(tempWorkspace(), options("gpt-4.1-mini"));
    const outcome = await pllm.agent("judge", async (agent) => {
      const handle = agent.ask("Who wins the final?", { schema: Verdict, retryInvalid: 1 });
      const partials: unknown[] = [];
      let restarts = 0;
      for (;;) {
        try {
          for await (const partial of handle.partialValue()) partials.push(partial);
          break;
        } catch (error) {
          if (!(error instanceof StreamRestarted)) throw error;
          restarts++;
        }
      }
      return { partials, restarts, value: await handle.value() };
    });
    await pllm.close();
    expect(outcome?.restarts).toBe(1);
    expect(outcome?.partials.at(-1)).toEqual({ winner: "Ada" });
    expect(outcome?.value).toEqual({ winner: "Ada" });
    expect(server.requests.map((request) => (request.body as { stream?: boolean }).stream)).toEqual([true, true]);
  });

  it("a provider without a streaming call refuses a streamed ask before sending, with an InputError", async () => {
    let generated = 0;
    const plain: Provider = {
      name: "plain",
      async generate() {
        generated++;
        const usage = { inputTokens: 1, outputTokens: 1, totalTokens: 2, cachedInputTokens: 0, reasoningTokens: 0 };
        const finishReason = { unified: "stop", raw: "stop" } as const;
        return { text: "hello", toolCalls: [], usage, finishReason, responseId: undefined, model: undefined };
      },
    };
    const pllm = await Parallellm.open(tempWorkspace(), options("plain:model-1", { providers: { plain } }));
    const failure = await pllm.agent("teller", async (agent) => {
      const streamed = collectDeltas(agent.ask("Tell a story.").textStream());
      return streamed.then(
        () => undefined,
        (error: unknown) => error,
      );
    });
    await pllm.close().catch(() => {});
    expect(failure).toBeInstanceOf(InputError);
    expect(String(failure)).toMatch(/plain \(model-1\) cannot stream answers: .*Await text\(\)/);
    expect(generated).toBe(0);
  });

  it("an AI SDK model streams through doStream, stored as doGenerate's answer would be", async () => {
    server.script({
      match: "Tell a model's story",
      reply: { text: story, usage: { inputTokens: 5, outputTokens: 20 } },
    });
    const model = createOpenAI({ baseURL: `${server.url}/v1`, apiKey: "fake" })("gpt-4.1-mini");
    const directory = tempWorkspace();
    const pllm = await Parallellm.open(directory, options(fromAiSdk(model)));
    const outcome = await pllm.agent("teller", async (agent) => {
      const handle = agent.ask("Tell a model's story.");
      return { deltas: await collectDeltas(handle.textStream()), usage: await handle.usage() };
    });
    await pllm.close();
    expect(outcome?.deltas.length).toBeGreaterThan(3);
    expect(outcome?.deltas.join("")).toBe(story);
    expect(outcome?.usage).toMatchObject({ inputTokens: 5, outputTokens: 20 });
    await using reader = await Parallellm.inspect(directory);
    expect((await reader.calls()).calls).toMatchObject([{ text: story, inputTokens: 5, outputTokens: 20 }]);
  });
});

describe("an AI SDK model's stream cut off midway", () => {
  it.each([false, true])("stores nothing and is sent again (the response ends in good order: %s)", async (ends) => {
    server.script({ match: "Tell a cut model's story", reply: story });
    server.cutStream({ afterEvents: 6, ends });
    const model = createOpenAI({ baseURL: `${server.url}/v1`, apiKey: "fake" })("gpt-4.1-mini");
    const directory = tempWorkspace();
    const pllm = await Parallellm.open(directory, options(fromAiSdk(model)));
    const text = await pllm.agent("teller", (agent) => {
      const handle = agent.ask("Tell a cut model's story.");
      handle.textStream();
      return handle.text();
    });
    const summary = await pllm.close();
    expect(text).toBe(story);
    expect(server.requests).toHaveLength(2);
    expect(summary).toMatchObject({ received: 1, failed: 0, failedAttempts: 1 });
  });
});

describePg("streaming with a PostgreSQL store, whose answers are looked up asynchronously", () => {
  it("streams a call sent once its lookup found nothing, and replays it as a stream", async () => {
    server.script({ match: "Tell a stored story", reply: story });
    const store = tempPostgresStore();
    const directory = tempWorkspace();
    const run = async () => {
      const pllm = await Parallellm.open(directory, options("gpt-4.1-mini", { store }));
      const deltas = await pllm.agent("teller", (agent) =>
        collectDeltas(agent.ask("Tell a stored story.").textStream()),
      );
      await pllm.close();
      return deltas;
    };
    const first = await run();
    expect(first?.length).toBeGreaterThan(3);
    expect(first?.join("")).toBe(story);
    expect(await run()).toEqual([story]);
    expect(server.requests).toHaveLength(1);
  });
});
