/** close() never sends a request whose answer it cannot keep, and keeps every answer it sent for. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Conversation, InputError, Parallellm, type RunSummary } from "../src/index.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;

beforeAll(async () => {
  server = await startFakeProviderServer({ latencyMs: 100 });
});
afterAll(() => server.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it("close() while agents run: answers in flight are stored, later asks are refused unsent, the summary names the agents", async () => {
  const directory = tempWorkspace();
  let summaryText = "";
  const pllm = await Parallellm.open(directory, {
    llm: "gpt-4.1-mini",
    clients: server.clientsFor(),
    summary: (text) => {
      summaryText = text;
    },
  });
  server.resetLog();
  // Not awaited before close(): one agent has a request in flight, the other asks only after close began.
  const inFlight = pllm.agent("in-flight", (agent) => agent.ask("First question.").text());
  const late = pllm.agent("late", async (agent) => {
    await sleep(300);
    return agent.ask("Second question.").text();
  });
  const summary: RunSummary = await pllm.close();
  expect(await inFlight).toEqual(expect.any(String));
  await expect(late).rejects.toThrow(InputError);
  await expect(late).rejects.toThrow(/Agent "late" asked after close\(\) began, so nothing was sent/);
  expect(server.requests).toHaveLength(1);
  expect(summary).toMatchObject({ sent: 1, received: 1, unfinishedAgents: { count: 1, names: ["late"] } });
  expect(summary.drift.judged).toBe(false);
  expect(summaryText).toMatch(/unfinished 1 agents were still running at close \(late\)/);

  // The answer received before close is replayed: nothing was paid for and lost.
  const again = await Parallellm.open(directory, { llm: "gpt-4.1-mini", clients: server.clientsFor(), summary: false });
  expect(await again.agent("in-flight", (agent) => agent.ask("First question.").text())).toBe(await inFlight);
  await again.close();
  expect(server.requests).toHaveLength(1);
});

it("a batch run closed early collects nothing after close began", async () => {
  const pllm = await Parallellm.open(tempWorkspace(), {
    llm: "gpt-4.1-mini",
    strategy: "batch",
    clients: server.clientsFor(),
    summary: false,
  });
  const late = pllm.agent("late", async (agent) => {
    await sleep(100);
    return agent.ask("Collected too late.").text();
  });
  const summary = await pllm.close();
  await expect(late).rejects.toThrow(/asked after close\(\) began/);
  expect(summary.collected).toBe(0);
  expect(summary.batches.submitted).toEqual([]);
});

it("a conversation changed after close is refused, not dropped", async () => {
  const pllm = await Parallellm.open(tempWorkspace(), {
    llm: "gpt-4.1-mini",
    clients: server.clientsFor(),
    summary: false,
  });
  let conversation: Conversation | undefined;
  await pllm.agent("support", async (agent) => {
    conversation = agent.conversation("ticket");
    await conversation.ask("My order has not arrived.").text();
  });
  await pllm.close();
  expect(() => conversation?.append("It was order 1234.")).toThrow(
    /Conversation "ticket" of agent "support" changed after the workspace closed/,
  );
});
