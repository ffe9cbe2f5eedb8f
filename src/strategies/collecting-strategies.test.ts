/**
 * The collecting strategies' decisions against a fake engine (the host): what
 * batch and dry-run collect and report, and how hybrid decides its rounds.
 */
import { describe, expect, it } from "vitest";
import type { CollectedCall, SubmitReport } from "../batch/submit-batches.js";
import { NotAvailable } from "../core/errors.js";
import { IdentityCache } from "../core/identity-cache.js";
import { emptyUsage, type LLMResult } from "../core/llm.js";
import { prepareCall } from "../core/prepare-call.js";
import { ResponseHandle } from "../core/response-handle.js";
import { createProviderRouter } from "../run/run-providers.js";
import { BatchStrategy } from "./batch-strategy.js";
import { DryRunStrategy } from "./dry-run-strategy.js";
import { HybridStrategy } from "./hybrid-strategy.js";
import type { CloseHost, Strategy } from "./strategy.js";

const resolveLLM = createProviderRouter({}).resolve;

const answer: LLMResult = {
  text: "sent directly",
  toolCalls: [],
  usage: emptyUsage,
  finishReason: { unified: "stop", raw: "stop" },
  responseId: undefined,
  model: undefined,
};

/** The engine's side, recorded: what was sent directly, who waits, what was submitted. */
function fakeHost() {
  const told = { sent: [] as CollectedCall[], waits: [] as string[], submitted: [] as CollectedCall[][], drains: 0 };
  const host: CloseHost = {
    sendCollected: async (call) => {
      told.sent.push(call);
      return answer;
    },
    waits: (agent) => told.waits.push(agent),
    submit: async (calls): Promise<SubmitReport> => {
      told.submitted.push([...calls]);
      return { submitted: [], preview: [], sent: true, takenElsewhere: 0 };
    },
    drain: async () => {
      told.drains++;
    },
  };
  return { host, told };
}

/** `count` asks collected by `strategy`, one per agent. */
function collect(strategy: Strategy, host: CloseHost, count: number) {
  return Array.from({ length: count }, (_, index) => {
    const agent = `agent-${index}`;
    const call = prepareCall(`Question ${index}`, { llm: "gpt-4.1-mini" }, resolveLLM, new IdentityCache());
    const handle = new ResponseHandle(agent, call.hash, 0, 0, undefined);
    const collected: CollectedCall = { key: { agent, hash: call.hash, occurrence: 0 }, seq: 0, call };
    expect(strategy.decide(false, true)).toBe("collect");
    strategy.collect(collected, handle, host);
    return { handle, collected };
  });
}

describe("batch", () => {
  it("collects calls that use the store, sends those that bypass it, submits at close", async () => {
    const strategy = new BatchStrategy();
    const { host, told } = fakeHost();
    expect(strategy.decide(true, true)).toBe("send");
    expect(strategy.decide(false, false)).toBe("send");
    const asks = collect(strategy, host, 2);
    await expect(asks[0].handle.text()).rejects.toBeInstanceOf(NotAvailable);
    expect(asks[0].handle.status()).toBe("absent");
    strategy.roundIdle(host);
    expect(told.sent).toEqual([]);
    const report = await strategy.close(host);
    expect(told.submitted).toEqual([asks.map((ask) => ask.collected)]);
    expect(report.submission).toMatchObject({ sent: true });
  });

  it("submits nothing when nothing was collected", async () => {
    const { host, told } = fakeHost();
    expect(await new BatchStrategy().close(host)).toEqual({});
    expect(told.submitted).toEqual([]);
  });
});

describe("dry-run", () => {
  it("collects even asks that bypass the store, and reports instead of submitting", async () => {
    const strategy = new DryRunStrategy();
    const { host, told } = fakeHost();
    expect((strategy as Strategy).decide(true, true)).toBe("collect");
    expect((strategy as Strategy).decide(false, false)).toBe("collect");
    collect(strategy, host, 3);
    const report = await strategy.close();
    expect(told.submitted).toEqual([]);
    expect(report.dryRun).toMatchObject([{ provider: "openai", model: "gpt-4.1-mini", calls: 3 }]);
  });
});

describe("hybrid", () => {
  it("a handle awaited waits for its round: the engine is told who waits", async () => {
    const strategy = new HybridStrategy({ minSize: 3 });
    const { host, told } = fakeHost();
    const [ask] = collect(strategy, host, 1);
    void ask.handle.text();
    expect(told.waits).toEqual(["agent-0"]);
  });

  it("a round smaller than minSize is sent directly when it goes idle", async () => {
    const strategy = new HybridStrategy({ minSize: 3 });
    const { host, told } = fakeHost();
    const asks = collect(strategy, host, 2);
    const texts = asks.map((ask) => ask.handle.text());
    strategy.roundIdle(host);
    expect(await Promise.all(texts)).toEqual(["sent directly", "sent directly"]);
    expect(told.sent).toEqual(asks.map((ask) => ask.collected));
    await strategy.close(host);
    expect(told.submitted).toEqual([]);
  });

  it("a round of minSize or more halts its agents and goes into batches at close", async () => {
    const strategy = new HybridStrategy({ minSize: 3 });
    const { host, told } = fakeHost();
    const asks = collect(strategy, host, 3);
    const halted = expect(asks[0].handle.text()).rejects.toBeInstanceOf(NotAvailable);
    strategy.roundIdle(host);
    await halted;
    // Awaited after the round was decided: halts at once.
    await expect(asks[1].handle.text()).rejects.toBeInstanceOf(NotAvailable);
    expect(told.sent).toEqual([]);
    await strategy.close(host);
    expect(told.submitted).toEqual([asks.map((ask) => ask.collected)]);
  });

  it("at close an undecided remainder smaller than minSize is sent directly and drained", async () => {
    const strategy = new HybridStrategy({ minSize: 3 });
    const { host, told } = fakeHost();
    const asks = collect(strategy, host, 2);
    await strategy.close(host);
    expect(told.sent).toEqual(asks.map((ask) => ask.collected));
    expect(told.drains).toBe(1);
    expect(told.submitted).toEqual([]);
  });

  it("at close an undecided remainder of minSize or more is submitted", async () => {
    const strategy = new HybridStrategy({ minSize: 2 });
    const { host, told } = fakeHost();
    const asks = collect(strategy, host, 2);
    await strategy.close(host);
    expect(told.sent).toEqual([]);
    expect(told.submitted).toEqual([asks.map((ask) => ask.collected)]);
  });
});
