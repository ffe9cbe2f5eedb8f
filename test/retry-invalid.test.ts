/**
 * `retryInvalid: n`: a structured answer that does not match its schema (or is
 * not JSON) is asked again, as a call of its own, up to n times. The invalid
 * answer stays recorded; a rerun replays the invalid answer, finds it invalid
 * again and replays the stored retry: nothing is sent. Through the official
 * SDKs and the fake provider server, in sync, async and batch.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { InvalidOutputError, type LLM, Parallellm, type ParallellmOptions } from "../src/index.js";
import type { StrategyName } from "../src/strategies/strategy.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;

beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());

const Verdict = z.object({ winner: z.enum(["Chiefs", "Bills"]), margin: z.number().int() });

let markers = 0;

/** A prompt of its own, answered invalidly (not JSON, then JSON of the wrong shape) `invalidTimes` times. */
function scriptedPrompt(invalidTimes: number): string {
  const marker = `[match-${++markers}]`;
  const replies = [{ text: "The Chiefs, clearly." }, { json: { winner: 42 } }];
  for (let time = 0; time < invalidTimes; time++) {
    server.script({ match: marker, reply: replies[time % replies.length], times: 1 });
  }
  server.script({ match: marker, reply: { json: { winner: "Bills", margin: 3 } } });
  return `Who wins, Chiefs or Bills? ${marker}`;
}

async function run(directory: string, options: ParallellmOptions, prompt: string, retryInvalid?: number) {
  const before = server.requests.length;
  const pllm = await Parallellm.open(directory, { clients: server.clientsFor(), summary: false, ...options });
  const outcome = await pllm.agent("judge", async (agent) => {
    const verdict = agent.ask(prompt, { schema: Verdict, retryInvalid });
    try {
      return { value: await verdict.value(), text: await verdict.text(), occurrence: verdict.occurrence };
    } catch (error) {
      return { error };
    }
  });
  const summary = await pllm.close();
  return { outcome, summary, sent: server.requests.length - before };
}

const llms: [string, LLM][] = [
  ["openai", "gpt-4.1-mini"],
  ["anthropic", "claude-sonnet-4-6"],
  ["google", "gemini-2.5-flash"],
];
const strategies: StrategyName[] = ["sync", "async"];

describe.each(llms)("%s", (_name, llm) => {
  describe.each(strategies)("%s", (strategy) => {
    it("asks again until the answer is valid, stores each answer, and replays the same path", async () => {
      const directory = tempWorkspace();
      const prompt = scriptedPrompt(2);
      const first = await run(directory, { llm, strategy }, prompt, 2);
      expect(first.outcome).toMatchObject({ value: { winner: "Bills", margin: 3 } });
      expect(first.outcome?.text).toBe('{"winner":"Bills","margin":3}');
      expect(first.sent).toBe(3);
      expect(first.summary).toMatchObject({ sent: 3, received: 3, replayed: 0 });

      const again = await run(directory, { llm, strategy }, prompt, 2);
      expect(again.outcome).toEqual(first.outcome);
      expect(again.sent).toBe(0);
      expect(again.summary).toMatchObject({ sent: 0, replayed: 3 });
      expect(again.summary.drift).toMatchObject({ judged: true, drifted: false, staleAnswers: 0, newCalls: 0 });
    });

    it("raises an InvalidOutputError that tells the truth once the retries are spent", async () => {
      const directory = tempWorkspace();
      const prompt = scriptedPrompt(5);
      const first = await run(directory, { llm, strategy }, prompt, 1);
      expect(first.sent).toBe(2);
      const error = first.outcome?.error as InvalidOutputError;
      expect(error).toBeInstanceOf(InvalidOutputError);
      expect(error.message).toMatch(/after 1 more ask \(retryInvalid: 1\)/);
      expect(error.rawText).toBe('{"winner":42}');

      const again = await run(directory, { llm, strategy }, prompt, 1);
      expect(again.sent).toBe(0);
      expect(again.outcome).toMatchObject({ error: { message: error.message } });
    });
  });
});

it("without retryInvalid, the error names the option that exists", async () => {
  const first = await run(tempWorkspace(), { llm: "gpt-4.1-mini" }, scriptedPrompt(1));
  const error = first.outcome?.error as InvalidOutputError;
  expect(error).toBeInstanceOf(InvalidOutputError);
  expect(error.message).toMatch(/ask with retryInvalid: n to ask again/);
  expect(first.sent).toBe(1);
});

it("applies retryInvalid set for the whole run and for an agent", async () => {
  const prompt = scriptedPrompt(1);
  const atOpen = await run(tempWorkspace(), { llm: "gpt-4.1-mini", retryInvalid: 1 }, prompt);
  expect(atOpen.outcome).toMatchObject({ value: { winner: "Bills" } });
  expect(atOpen.sent).toBe(2);

  const agentPrompt = scriptedPrompt(1);
  const pllm = await Parallellm.open(tempWorkspace(), {
    llm: "gpt-4.1-mini",
    clients: server.clientsFor(),
    summary: false,
  });
  const value = await pllm.agent("judge", { retryInvalid: 1 }, (agent) =>
    agent.ask(agentPrompt, { schema: Verdict }).value(),
  );
  await pllm.close();
  expect(value).toEqual({ winner: "Bills", margin: 3 });
});

it("keeps only the accepted answer in a conversation and in saved handles", async () => {
  const directory = tempWorkspace();
  const prompt = scriptedPrompt(1);
  const pllm = await Parallellm.open(directory, { llm: "gpt-4.1-mini", clients: server.clientsFor(), summary: false });
  const messages = await pllm.agent("chat", async (agent) => {
    const conversation = agent.conversation("c");
    const verdict = conversation.ask(prompt, { schema: Verdict, retryInvalid: 1 });
    await verdict.value();
    await pllm.save("verdict", verdict);
    return conversation.messages;
  });
  await pllm.close();
  expect(messages?.map((message) => message.content)).toEqual([
    [{ type: "text", text: prompt }],
    [{ type: "text", text: '{"winner":"Bills","margin":3}' }],
  ]);
  const reopened = await Parallellm.open(directory, { llm: "gpt-4.1-mini", summary: false });
  const saved = await reopened.load<{ value(): Promise<unknown> }>("verdict");
  expect(await saved?.value()).toEqual({ winner: "Bills", margin: 3 });
  await reopened.close();
});

it("in batch mode, each retry is a call of the next round; a finished pipeline replays with nothing sent", async () => {
  const directory = tempWorkspace();
  const prompt = scriptedPrompt(2);
  const options: ParallellmOptions = {
    llm: "gpt-4.1-mini",
    strategy: "batch",
    clients: server.clientsFor(),
    summary: false,
  };
  const pipeline = (pllm: Parallellm) =>
    pllm.agent("judge", (agent) => agent.ask(prompt, { schema: Verdict, retryInvalid: 2 }).value());
  const before = server.batchesOf("openai").length;
  const done = await Parallellm.run(directory, options, pipeline, { untilDone: true, pollInterval: 10 });
  expect(done.result).toEqual({ winner: "Bills", margin: 3 });
  // The first ask, then each retry, went out in a batch of its own.
  expect(done.runs).toBe(4);
  expect(server.batchesOf("openai").length - before).toBe(3);

  const requests = server.requests.length;
  const again = await Parallellm.run(directory, options, pipeline);
  expect(again.result).toEqual({ winner: "Bills", margin: 3 });
  expect(again.summary).toMatchObject({ replayed: 3, collected: 0, sent: 0 });
  expect(server.requests.length).toBe(requests);
});
