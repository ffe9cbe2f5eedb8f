/**
 * The engine's decisions, one at a time, against fakes of our own seams: a
 * Store held in a Map, a Strategy that records what it is told, a Provider
 * that counts its requests.
 */
import { describe, expect, it } from "vitest";
import type { CollectedCall } from "../batch/submit-batches.js";
import type { Provider } from "../providers/provider.js";
import { createProviderRouter } from "../run/run-providers.js";
import { answerKey, type CallKey, type FailedCall, type Store, type StoredAnswer } from "../store/store.js";
import { QueueStrategy } from "../strategies/queue-strategy.js";
import type { CloseHost, CollectHost, Strategy } from "../strategies/strategy.js";
import { CallEngine } from "./call-engine.js";
import type { AskOptions } from "./call-options.js";
import { AuthenticationError, InputError, Interrupted, NotAvailable, ProviderRequestError } from "./errors.js";
import { IdentityCache } from "./identity-cache.js";
import { emptyUsage, type LLMResult } from "./llm.js";
import { silentLog } from "./log.js";
import { prepareCall } from "./prepare-call.js";
import { ResponseHandle } from "./response-handle.js";

const resolveLLM = createProviderRouter({}).resolve;

const llm = "gpt-4.1-mini";

function result(text: string): LLMResult {
  return {
    text,
    toolCalls: [],
    usage: { ...emptyUsage, inputTokens: 3, outputTokens: 2 },
    finishReason: { unified: "stop", raw: "stop" },
    responseId: undefined,
    model: llm,
  };
}

/** A store in a Map: only what the engine uses. `sync: false` leaves out the synchronous lookup. */
function fakeStore(options: { sync?: boolean; pending?: CallKey[]; failed?: FailedCall[] } = {}) {
  const answers = new Map<string, StoredAnswer>();
  const saved: { mode: string; agent: string }[] = [];
  const lookupSync = (key: CallKey) => answers.get(answerKey(key));
  const store = {
    lookup: async (key: CallKey) => lookupSync(key),
    ...(options.sync === false ? {} : { lookupSync }),
    saveResponse: async (record: { agent: string; mode: string; result: LLMResult } & CallKey) => {
      saved.push({ mode: record.mode, agent: record.agent });
      answers.set(answerKey(record), {
        callId: answers.size + 1,
        session: 1,
        text: record.result.text,
        result: record.result,
      });
      return answers.size;
    },
    saveFailure: async () => {},
    pendingCalls: async () => new Set((options.pending ?? []).map(answerKey)),
    failedCalls: async () => options.failed ?? [],
    hasAnswers: async () => answers.size > 0,
  };
  const put = (key: CallKey, text: string) =>
    answers.set(answerKey(key), { callId: answers.size + 1, session: 1, text, result: result(text) });
  return { store: store as unknown as Store, saved, put };
}

function fakeProvider(answer: (prompt: string) => Promise<LLMResult> = async () => result("sent")) {
  const requests: unknown[] = [];
  const provider: Provider = {
    name: "openai",
    generate: (request) => {
      requests.push(request);
      return answer(JSON.stringify(request.messages));
    },
  };
  return { provider, requests };
}

/** A strategy that answers `decision` and records what it is told; it sends through a real queue. */
function recordingStrategy(decision: "send" | "collect") {
  const queue = new QueueStrategy("async", 4);
  const told = {
    decided: [] as boolean[],
    collected: [] as CollectedCall[],
    idleRounds: 0,
    host: undefined as CollectHost | undefined,
  };
  const strategy: Strategy = {
    name: decision === "send" ? "async" : "batch",
    collects: decision === "collect",
    decide: (bypassesStore) => {
      told.decided.push(bypassesStore);
      return decision;
    },
    collect: (call, handle, host) => {
      told.collected.push(call);
      told.host = host;
      handle._defer(
        "absent",
        () =>
          new Promise(() => {
            host.waits(call.key.agent);
          }),
      );
    },
    roundIdle: () => {
      told.idleRounds++;
    },
    close: async (host: CloseHost) => ({ submission: await host.submit(told.collected) }),
    run: (task) => queue.run(task),
    stop: (reason) => queue.stop(reason),
    drain: () => queue.drain(),
  };
  return { strategy, told };
}

/** An engine over the given seams that keeps raw responses and logs nothing. */
function engineOf(store: Store, strategy: Strategy, provider: Provider, session: number): CallEngine {
  return new CallEngine({ store, strategy, session, providerFor: () => provider, keepRaw: true, log: silentLog });
}

function setup(decision: "send" | "collect" = "send", storeOptions: Parameters<typeof fakeStore>[0] = {}) {
  const { store, saved, put } = fakeStore(storeOptions);
  const { provider, requests } = fakeProvider();
  const { strategy, told } = recordingStrategy(decision);
  const engine = engineOf(store, strategy, provider, 2);
  return { engine, saved, put, requests, told };
}

let seq = 0;
/** An ask of `prompt` by `agent`, handed to the engine as the agent does. */
function ask(engine: CallEngine, agent: string, prompt: string, options: AskOptions = {}, occurrence = 0) {
  const call = prepareCall(prompt, { llm, ...options }, resolveLLM, new IdentityCache());
  const handle = new ResponseHandle(agent, call.hash, occurrence, seq++, undefined);
  const key = { agent, hash: call.hash, occurrence };
  engine.admit(agent);
  engine.resolve(handle, key, call, options, {});
  return { handle, key };
}

function keyOf(agent: string, prompt: string): CallKey {
  return { agent, hash: prepareCall(prompt, { llm }, resolveLLM, new IdentityCache()).hash, occurrence: 0 };
}

describe("CallEngine.resolve", () => {
  it("replays a stored answer: nothing decided, nothing sent", async () => {
    const { engine, put, requests, told } = setup();
    put(keyOf("a", "hello"), "stored");
    await engine.readStore(false);
    engine.enterAgent("a");
    const { handle } = ask(engine, "a", "hello");
    expect(handle.status()).toBe("ready");
    expect(handle.replayed).toBe(true);
    expect(await handle.text()).toBe("stored");
    expect(told.decided).toEqual([]);
    expect(requests).toHaveLength(0);
    expect(engine.tally.stats).toMatchObject({ asked: 1, replayed: 1, sent: 0 });
  });

  it("sends what the strategy decides to send, and stores it as a new call", async () => {
    const { engine, saved, requests, told } = setup("send");
    const { handle } = ask(engine, "a", "hello");
    expect(await handle.text()).toBe("sent");
    expect(told.decided).toEqual([false]);
    expect(requests).toHaveLength(1);
    expect(saved).toEqual([{ mode: "replace", agent: "a" }]);
    expect(engine.tally.stats).toMatchObject({ asked: 1, replayed: 0, sent: 1, received: 1, inputTokens: 3 });
    expect(engine.tally.newCalls).toBe(1);
  });

  it("hands what the strategy collects to the strategy, sending nothing", async () => {
    const { engine, requests, told } = setup("collect");
    const { key } = ask(engine, "a", "hello");
    expect(told.collected).toMatchObject([{ key, resubmitted: false }]);
    expect(requests).toHaveLength(0);
    expect(engine.tally.stats).toMatchObject({ asked: 1, collected: 1, sent: 0 });
  });

  it("a call waiting in a provider batch is pending: not decided, not sent", async () => {
    const { engine, told } = setup("collect", { pending: [keyOf("a", "hello")] });
    await engine.readStore(false);
    const { handle } = ask(engine, "a", "hello");
    expect(handle.status()).toBe("pending");
    await expect(handle.text()).rejects.toBeInstanceOf(NotAvailable);
    expect(told.decided).toEqual([]);
    expect(engine.tally.stats).toMatchObject({ inPendingBatches: 1, collected: 0 });
  });

  const rejected = (key: CallKey): FailedCall => ({
    ...key,
    session: 1,
    provider: "openai",
    model: llm,
    kind: "request-rejected",
    statusCode: 400,
    message: "Invalid schema",
    requestId: undefined,
    batchFailures: 0,
  });

  it("a call that failed for good fails again at once, counted and named", async () => {
    const key = keyOf("a", "hello");
    const { engine, requests, told } = setup("send", { failed: [rejected(key)] });
    await engine.readStore(false);
    const { handle } = ask(engine, "a", "hello");
    expect(handle.status()).toBe("failed");
    await expect(handle.text()).rejects.toBeInstanceOf(ProviderRequestError);
    expect(told.decided).toEqual([]);
    expect(requests).toHaveLength(0);
    expect(engine.tally.stats).toMatchObject({ failed: 1, failedForGood: 1 });
    expect(engine.tally.firstFailedForGood).toMatch(/agent "a" \(openai\/gpt-4\.1-mini\): HTTP 400: Invalid schema/);
  });

  it("with retryFailed a call that failed for good goes to the strategy again, as a resubmission", async () => {
    const key = keyOf("a", "hello");
    const { engine, told } = setup("collect", { failed: [rejected(key)] });
    await engine.readStore(true);
    ask(engine, "a", "hello");
    expect(told.collected).toMatchObject([{ key, resubmitted: true }]);
    expect(engine.tally.stats).toMatchObject({ failed: 0, failedForGood: 0, collected: 1 });
  });

  for (const [option, mode] of [
    ["ignoreCache", "keep"],
    ["rewriteCache", "replace"],
  ] as const) {
    it(`${option}: the stored answer is not used; the strategy is told the ask bypasses the store`, async () => {
      const { engine, put, saved, told } = setup("send");
      put(keyOf("a", "hello"), "stored");
      await engine.readStore(false);
      const { handle } = ask(engine, "a", "hello", { [option]: true });
      expect(await handle.text()).toBe("sent");
      expect(told.decided).toEqual([true]);
      expect(saved).toEqual([{ mode, agent: "a" }]);
      expect(engine.tally.stats).toMatchObject({ replayed: 0, sent: 1 });
      // A deliberate resend is not a new call (no drift).
      expect(engine.tally.newCalls).toBe(0);
    });
  }

  it("an asynchronous store is looked up first, in a collecting strategy too", async () => {
    const { engine, put, told } = setup("collect", { sync: false });
    put(keyOf("a", "stored"), "from the store");
    await engine.readStore(false);
    const replayed = ask(engine, "a", "stored").handle;
    const missing = ask(engine, "a", "missing");
    expect(told.collected).toEqual([]);
    expect(await replayed.text()).toBe("from the store");
    await engine.drain();
    expect(told.collected).toMatchObject([{ key: missing.key }]);
    expect(engine.tally.stats).toMatchObject({ asked: 2, replayed: 1, collected: 1 });
  });

  it("refuses the ask when the provider cannot take the request, before anything is decided", () => {
    const { store } = fakeStore();
    const { strategy, told } = recordingStrategy("send");
    const provider: Provider = {
      name: "openai",
      generate: async () => result("never"),
      checkRequest: () => {
        throw new InputError("This schema cannot be sent to openai.");
      },
    };
    const engine = engineOf(store, strategy, provider, 1);
    expect(() => ask(engine, "a", "hello")).toThrow(/cannot be sent/);
    expect(told.decided).toEqual([]);
  });
});

describe("CallEngine: refusing and stopping", () => {
  it("refuses asks once close began; an interrupted run halts the agent instead", () => {
    const { engine } = setup();
    engine.refuseAsks();
    expect(() => engine.admit("a")).toThrow(InputError);
    engine.stopSending(new Interrupted("stopped"));
    expect(() => engine.admit("a")).toThrow(Interrupted);
    expect(engine.tally.stats.asked).toBe(0);
  });

  it("after an authentication failure nothing more is sent, and each refused call counts as failed", async () => {
    const { store } = fakeStore();
    const { strategy } = recordingStrategy("send");
    const { provider, requests } = fakeProvider(async () => {
      throw new AuthenticationError("authentication", "bad key", { provider: "openai", model: llm, statusCode: 401 });
    });
    const engine = engineOf(store, strategy, provider, 1);
    await expect(ask(engine, "a", "one").handle.text()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(ask(engine, "a", "two").handle.text()).rejects.toBeInstanceOf(AuthenticationError);
    expect(requests).toHaveLength(1);
    expect(engine.tally.stats).toMatchObject({ asked: 2, failed: 2 });
  });
});

describe("CallEngine: rounds and close", () => {
  it("tells the strategy a round is idle once every open agent waits for a collected call", async () => {
    const { engine, told } = setup("collect");
    engine.enterAgent("a");
    engine.enterAgent("b");
    void ask(engine, "a", "one").handle.text();
    await new Promise((resolve) => setImmediate(resolve));
    expect(told.idleRounds).toBe(0);
    void ask(engine, "b", "two").handle.text();
    await new Promise((resolve) => setImmediate(resolve));
    expect(told.idleRounds).toBe(1);
  });

  it("an agent leaving can complete the round: the others all wait", async () => {
    const { engine, told } = setup("collect");
    engine.enterAgent("a");
    engine.enterAgent("b");
    void ask(engine, "a", "one").handle.text();
    await new Promise((resolve) => setImmediate(resolve));
    engine.leaveAgent("b");
    await new Promise((resolve) => setImmediate(resolve));
    expect(told.idleRounds).toBe(1);
  });

  it("a collected call sent directly counts as sent, no longer as collected", async () => {
    const { engine, told, requests } = setup("collect");
    ask(engine, "a", "one");
    await expect(told.host?.sendCollected(told.collected[0])).resolves.toMatchObject({ text: "sent" });
    expect(requests).toHaveLength(1);
    expect(engine.tally.stats).toMatchObject({ collected: 0, sent: 1, received: 1 });
  });

  it("at close the strategy submits through the function it is given", async () => {
    const { engine, told } = setup("collect");
    ask(engine, "a", "one");
    const submitted: CollectedCall[][] = [];
    const report = await engine.closeStrategy(async (calls) => {
      submitted.push([...calls]);
      return { submitted: [], preview: [], sent: true, takenElsewhere: 0 };
    });
    expect(submitted).toEqual([told.collected]);
    expect(report.submission).toMatchObject({ sent: true });
  });
});
