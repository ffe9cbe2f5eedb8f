/**
 * The read-only view of workspaces made in batch mode (a batch pending, then
 * ingested with a failed request), with a failure sent directly, and with a
 * forked conversation; and the live dashboard showing the figures the reader
 * gives for the same session. Official SDKs against the fake provider server,
 * real SQLite.
 */
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type ConversationState, type LLMResult, Parallellm, type ParallellmOptions } from "../src/index.js";
import { costOf } from "../src/providers/model-prices.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());
beforeEach(() => server.setBatchBehavior({}));

const rejection = "The square of 2 is not allowed here.";
const usage = { inputTokens: 1000, outputTokens: 200 };

const squares = (numbers: readonly number[]) => (pllm: Parallellm) =>
  pllm.forEach(
    numbers,
    (n) => `n${n}`,
    async (n, agent) => agent.ask(`Square ${n}`).result(),
  );

describe("a workspace made in batch mode", () => {
  it("shows the batch pending, then ingested with its answers, its failed request and their cost", async () => {
    server.script({ match: "Square", reply: { text: "squared", usage } });
    server.setBatchBehavior({
      failRequest: (context) => (context.prompt === "Square 2" ? { status: 400, message: rejection } : undefined),
    });
    const directory = tempWorkspace();
    const options: ParallellmOptions = {
      llm: "gpt-4.1-mini",
      strategy: "batch",
      clients: server.clientsFor(),
      onError: "record",
      summary: false,
    };
    await Parallellm.run(directory, options, squares([1, 2, 3]));

    await using pending = await Parallellm.inspect(directory);
    const { calls } = await pending.calls();
    expect(calls.map((call) => [call.agent, call.status, call.provider, call.model, call.session])).toEqual([
      ["n1", "pending", "openai", "gpt-4.1-mini", 1],
      ["n2", "pending", "openai", "gpt-4.1-mini", 1],
      ["n3", "pending", "openai", "gpt-4.1-mini", 1],
    ]);
    const [batch] = await pending.batches();
    expect(batch).toMatchObject({ state: "pending", session: 1, requests: 3, answered: 0, failed: 0, open: 3 });
    expect(batch.providerBatchId).toMatch(/^batch_/);
    const waiting = (await pending.call({ agent: "n1", hash: calls[0].hash, occurrence: 0 }))!;
    expect(waiting).toMatchObject({ id: undefined, answer: undefined, answers: [], batches: [batch] });
    expect(JSON.stringify(waiting.request)).toContain("Square 1");
    expect(await pending.progress()).toEqual({ received: 0, batchesPending: 1, models: [] });

    const pllm = await Parallellm.open(directory, options);
    const received = (await squares([1, 2, 3])(pllm)) as (LLMResult | undefined)[];
    const runCost = await pllm.cost();
    const summary = await pllm.close();
    expect(summary.batches).toMatchObject({ ingested: 1, ingestedAnswers: 2, failedRequests: 1 });

    await using reader = await Parallellm.inspect(directory);
    // The reader opened before the ingest still reads (a later snapshot): no lock was ever in the way.
    expect((await pending.calls({ status: "answered" })).calls.map((call) => call.agent)).toEqual(["n1", "n3"]);
    const [ingested] = await reader.batches();
    expect(ingested).toMatchObject({ id: batch.id, state: "ingested", requests: 3, answered: 2, failed: 1, open: 0 });
    for (const [index, agent] of [[0, "n1"] as const, [2, "n3"] as const]) {
      const detail = (await reader.call({ agent, hash: calls[index].hash, occurrence: 0 }))!;
      expect(detail.answer).toEqual(received[index]);
      expect(detail.answers).toMatchObject([{ session: 2, viaBatch: true, inUse: true }]);
      expect(detail.batches.map((row) => row.id)).toEqual([batch.id]);
    }
    const failures = await reader.failures();
    expect(failures).toMatchObject([
      { agent: "n2", statusCode: 400, message: rejection, kind: "request-rejected", session: 2, attempts: 1 },
    ]);
    expect(failures[0].batchAttempts).toBe(1);
    const failed = (await reader.calls({ status: "failed" })).calls;
    expect(failed.map((call) => [call.agent, call.session, call.failures, call.batch])).toEqual([
      ["n2", 2, 1, batch.id],
    ]);
    const detail = (await reader.call({ agent: "n2", hash: failed[0].hash, occurrence: 0 }))!;
    expect(detail.attempts).toMatchObject([{ statusCode: 400, message: rejection, viaBatch: true, session: 2 }]);
    expect(detail.answer).toBeUndefined();

    const cost = await reader.cost(2);
    const full = costOf("gpt-4.1-mini", { input: usage.inputTokens, output: usage.outputTokens })!;
    expect(cost.session.total).toBeCloseTo(full);
    expect(cost.session).toEqual(runCost.session);
    expect(cost.allTime).toEqual(runCost.allTime);
    expect(cost.savedByBatch).toEqual(runCost.savedByBatch);
    expect(cost.savedByReplay).toBe(summary.cost.savedByReplay);
    expect(await reader.progress(2)).toEqual({
      received: 2,
      batchesPending: 0,
      models: [{ model: "gpt-4.1-mini", received: 2, inputTokens: 2000, outputTokens: 400, uncounted: 0, cost: full }],
    });
    expect(await reader.usage()).toEqual([
      {
        model: "gpt-4.1-mini",
        agent: "n1",
        session: 2,
        viaBatch: true,
        answers: 1,
        inputTokens: 1000,
        outputTokens: 200,
        cachedInputTokens: 0,
        uncounted: 0,
      },
      {
        model: "gpt-4.1-mini",
        agent: "n3",
        session: 2,
        viaBatch: true,
        answers: 1,
        inputTokens: 1000,
        outputTokens: 200,
        cachedInputTokens: 0,
        uncounted: 0,
      },
    ]);
  });
});

describe("a failure sent directly, and a conversation", () => {
  it("shows the failed attempt and the conversation's tree with its forks and calls", async () => {
    server.failNext({ status: 400, message: "No jokes today.", match: "Tell a joke." });
    const directory = tempWorkspace();
    const options: ParallellmOptions = {
      llm: "claude-sonnet-4-6",
      strategy: "async",
      clients: server.clientsFor(),
      onError: "record",
      summary: false,
    };
    let history: readonly ConversationState[] = [];
    await Parallellm.run(directory, options, async (pllm) => {
      await pllm.agent("joker", (agent) => agent.ask("Tell a joke.").text());
      await pllm.agent("planner", async (agent) => {
        const conversation = agent.conversation("trip");
        await conversation.ask("Plan a day in Oslo.").text();
        const [cheap, rich] = [conversation.fork("cheap"), conversation.fork("rich")];
        await Promise.all([cheap.ask("Make it cheap.").text(), rich.ask("Make it luxurious.").text()]);
        history = await conversation.history();
      });
    });

    await using reader = await Parallellm.inspect(directory);
    const [joke] = (await reader.calls({ agent: "joker" })).calls;
    expect(joke).toMatchObject({ status: "failed", provider: "anthropic", model: "claude-sonnet-4-6", failures: 1 });
    expect((await reader.call({ agent: "joker", hash: joke.hash, occurrence: 0 }))!.attempts).toMatchObject([
      { statusCode: 400, message: "No jokes today.", kind: "request-rejected", viaBatch: false, session: 1 },
    ]);

    expect(await reader.conversations()).toMatchObject([
      { agent: "planner", conversation: "trip", messages: 6, branches: ["cheap", "main", "rich"] },
    ]);
    const tree = (await reader.conversation("planner", "trip"))!;
    expect(tree.nodes.map((node) => node.id).sort()).toEqual(history.map((state) => state.id).sort());
    for (const state of history) {
      const node = tree.nodes.find((candidate) => candidate.id === state.id)!;
      expect(node).toMatchObject({ parentId: state.parentId, message: state.message, session: 1 });
    }
    const answers = tree.nodes.filter((node) => node.message.role === "assistant");
    expect(answers).toHaveLength(3);
    for (const node of answers) {
      const call = (await reader.call(node.call!))!;
      expect(call.answer!.text).toBe(
        node.message.content.map((part) => (part.type === "text" ? part.text : "")).join(""),
      );
    }
    expect(Object.keys(tree.heads)).toEqual(["cheap", "main", "rich"]);
    expect(await reader.conversation("planner", "nothing")).toBeUndefined();
  });
});

describe("the live dashboard and the reader", () => {
  it("show one session the same: answers a batch brought in at open and answers sent, by model, at the run's prices", async () => {
    server.script({ match: "Label", reply: { text: "a label", usage } });
    const directory = tempWorkspace();
    const prices = { "gpt-4.1-mini": { input: 10, output: 20 } };
    const options: ParallellmOptions = { llm: "gpt-4.1-mini", clients: server.clientsFor(), prices, summary: false };
    await Parallellm.run(directory, { ...options, strategy: "batch" }, (pllm) =>
      pllm.agent("a", (agent) => agent.ask("Label this.").text()),
    );

    const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 160, rows: 40 });
    let screen = "";
    terminal.on("data", (chunk: Buffer) => {
      screen += chunk.toString();
    });
    const pllm = await Parallellm.open(directory, {
      ...options,
      strategy: "async",
      summary: () => {},
      dashboard: { stream: terminal as unknown as NodeJS.WriteStream },
    });
    await pllm.agent("a", (agent) => agent.ask("Label this.").text());
    await pllm.agent("b", (agent) => agent.ask("Label that.").text());
    await using reader = await Parallellm.inspect(directory, { prices });
    const progress = await reader.progress(pllm.session);
    const cost = (usage.inputTokens * 10 + usage.outputTokens * 20) / 1_000_000;
    expect(progress).toEqual({
      received: 2,
      batchesPending: 0,
      models: [
        { model: "gpt-4.1-mini", received: 2, inputTokens: 2000, outputTokens: 400, uncounted: 0, cost: cost * 1.5 },
      ],
    });
    // The panel is redrawn ten times a second: wait for a frame drawn after the last answer.
    const line = `${"gpt-4.1-mini".padEnd(22)} ${"2".padStart(6)} answers  2.0k in / 400 out  $${(cost * 1.5).toFixed(4)}`;
    for (let waited = 0; !screen.includes(line) && waited < 5000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await pllm.close();
    expect(
      screen
        .split("\n")
        .filter((text) => text.includes("gpt-4.1-mini"))
        .at(-1),
    ).toContain(line);
  });
});
