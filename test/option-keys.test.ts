/**
 * Unknown option keys are refused, with "did you mean", in every options object
 * the public API takes: a typo (`stratgy: "batch"`) must not silently turn a
 * half-price batch run into a full-price one. Asks go through the official SDK
 * to the fake provider server, which must see nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { InputError, Parallellm } from "../src/index.js";
import { type FakeProviderServer, MockProvider, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;

beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());

/** Options objects as plain JavaScript passes them: typos included. */
const loose = (options: Record<string, unknown>) => options as never;

async function open(options: Record<string, unknown> = {}): Promise<Parallellm> {
  return Parallellm.open(tempWorkspace(), {
    llm: "gpt-4.1-mini",
    clients: server.clientsFor(),
    summary: false,
    ...options,
  });
}

describe("Parallellm.open", () => {
  it.each([
    [{ stratgy: "batch" }, /Unknown option `stratgy` in Parallellm\.open options; did you mean `strategy`\?/],
    [{ maxConcurency: 4 }, /did you mean `maxConcurrency`\?/],
    [{ temprature: 0.2 }, /did you mean `temperature`\?/],
    [{ max_tokens: 100 }, /did you mean `maxTokens`\?/],
    [{ ignorecache: true }, /did you mean `ignoreCache`\?/],
    [{ colour: "blue" }, /Unknown option `colour` in Parallellm\.open options\. Known options: .*strategy/],
  ])("refuses %o and creates no workspace", async (options, message) => {
    const directory = tempWorkspace();
    const opening = Parallellm.open(directory, loose({ summary: false, ...options }));
    await expect(opening).rejects.toThrow(InputError);
    await expect(opening).rejects.toThrow(message);
  });

  it("says where an option of another level belongs", async () => {
    await expect(open({ schema: z.object({ a: z.string() }) })).rejects.toThrow(
      /`schema` cannot be set in Parallellm\.open options: it is set per ask/,
    );
    await expect(open({ branch: "main" })).rejects.toThrow(/`branch` cannot be set in Parallellm\.open options/);
  });

  it.each([
    ["retry", { retry: { maxAttemps: 3 } }, /Unknown option `maxAttemps` in `retry`; did you mean `maxAttempts`\?/],
    ["batch", { batch: { minsize: 5 } }, /Unknown option `minsize` in `batch`; did you mean `minSize`\?/],
    ["batch test hook", { batch: { afterCreate: () => {} } }, /Unknown option `afterCreate` in `batch`/],
    [
      "batch.limits",
      { batch: { limits: { openai: { maxRequest: 5 } } } },
      /Unknown option `maxRequest` in `batch\.limits\.openai`; did you mean `maxRequests`\?/,
    ],
    [
      "batch.limits provider",
      { batch: { limits: { opanai: {} } } },
      /Unknown provider "opanai" in `batch\.limits`; did you mean "openai"\?/,
    ],
    [
      "limits entry",
      { limits: { openai: { rmp: 10 } } },
      /Unknown option `rmp` in `limits\["openai"\]`; did you mean `rpm`\?/,
    ],
    [
      "dashboard",
      { dashboard: { plainInterval: 5 } },
      /`plainInterval` in `dashboard`; did you mean `plainIntervalMs`/,
    ],
    ["handleSignals", { handleSignals: { grace: 5 } }, /`grace` in `handleSignals`; did you mean `graceMs`/],
    ["clients", { clients: { opena: {} } }, /`opena` in `clients`; did you mean `openai`/],
    [
      "providers",
      { providers: { mok: new MockProvider() } },
      /`providers\.mok` is a provider named "mock": register it as providers: \{ "mock"/,
    ],
    [
      "prices",
      { prices: { "my-model": { input: 1, ouput: 2 } } },
      /`ouput` in `prices\["my-model"\]`; did you mean `output`/,
    ],
    ["llm identity", { llm: { provider: "openai", modl: "m" } }, /`modl` in `llm`; did you mean `model`/],
  ])("refuses an unknown key inside %s", async (_name, options, message) => {
    await expect(open(options)).rejects.toThrow(message);
  });

  it("refuses an unknown key in Parallellm.run's run options", async () => {
    const running = Parallellm.run(
      tempWorkspace(),
      { llm: "mock-1", providers: { mock: new MockProvider() }, summary: false },
      async () => "done",
      loose({ untilDon: true }),
    );
    await expect(running).rejects.toThrow(
      /Unknown option `untilDon` in Parallellm\.run options; did you mean `untilDone`\?/,
    );
  });
});

describe("agents and asks", () => {
  it("refuses an unknown key in agent defaults before the agent runs", async () => {
    const pllm = await open();
    let ran = false;
    const running = pllm.agent("a", loose({ temprature: 0 }), () => {
      ran = true;
    });
    await expect(running).rejects.toThrow(
      /Unknown option `temprature` in the defaults of agent "a"; did you mean `temperature`\?/,
    );
    expect(ran).toBe(false);
    await pllm.close();
  });

  it("refuses an unknown ask option and sends nothing", async () => {
    server.resetLog();
    const pllm = await open();
    await expect(pllm.agent("a", (agent) => agent.ask("Hello", loose({ maxToken: 5 })).text())).rejects.toThrow(
      /Unknown option `maxToken` in ask options; did you mean `maxTokens`\?/,
    );
    await expect(pllm.agent("b", (agent) => agent.ask("Hello", loose({ hashby: ["documents"] })))).rejects.toThrow(
      /did you mean `hashBy`\?/,
    );
    await expect(pllm.agent("c", (agent) => agent.ask("Hello", loose({ strategy: "batch" })))).rejects.toThrow(
      "`strategy` cannot be set in ask options: it is an option of Parallellm.open(directory, options).",
    );
    await pllm.close();
    expect(server.requests).toHaveLength(0);
  });

  it("refuses unknown keys in conversation, runTools and forEach options", async () => {
    const pllm = await open();
    await expect(pllm.agent("c", (agent) => agent.conversation("x", loose({ brnch: "b" })))).rejects.toThrow(
      /Unknown option `brnch` in conversation options; did you mean `branch`\?/,
    );
    await expect(
      pllm.agent("t", (agent) => agent.runTools("Go", loose({ tools: {}, handlers: {}, maxStep: 2 }))),
    ).rejects.toThrow(/Unknown option `maxStep` in runTools options; did you mean `maxSteps`\?/);
    await expect(pllm.forEach([1], String, () => 1, loose({ concurency: 2 }))).rejects.toThrow(
      /Unknown option `concurency` in forEach options; did you mean `concurrency`\?/,
    );
    await expect(pllm.agent("d", (agent) => agent.ask("Hello", { toolChoice: loose({ nam: "x" }) }))).rejects.toThrow(
      /`nam` in `toolChoice`; did you mean `name`\?/,
    );
    const tools = { lookup: loose({ descripton: "Look it up.", parameters: z.object({ q: z.string() }) }) };
    await expect(pllm.agent("e", (agent) => agent.ask("Hello", { tools }))).rejects.toThrow(
      /Unknown option `descripton` in tool "lookup"; did you mean `description`\?/,
    );
    await expect(
      pllm.agent("f", (agent) =>
        agent.ask("Hello", { llm: loose({ provider: "openai", model: "gpt-4.1-mini", api: "chat" }) }),
      ),
    ).rejects.toThrow(
      /`api` is no longer part of `llm`; it is a setting of the provider.*createOpenAIProvider\(\{ api: "chat" \}\)/,
    );
    await pllm.close();
  });
});

describe("testing helpers", () => {
  it("refuse unknown keys in MockProvider and fake server options", async () => {
    expect(() => new MockProvider(loose({ latency: 5 }))).toThrow(
      /`latency` in MockProvider options; did you mean `latencyMs`\?/,
    );
    await expect(startFakeProviderServer(loose({ latency: 5 }))).rejects.toThrow(
      /`latency` in startFakeProviderServer options; did you mean `latencyMs`\?/,
    );
    expect(() => server.script(loose({ reply: "x", time: 1 }))).toThrow(
      /`time` in script\(\) rule; did you mean `times`\?/,
    );
  });
});
