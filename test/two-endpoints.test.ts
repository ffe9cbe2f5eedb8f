/**
 * Two OpenAI-compatible endpoints in one run: each is a provider made by
 * `createOpenAIProvider` under a name of its own, and every request, batch
 * and batch download goes to its own server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Parallellm, type ParallellmOptions } from "../src/index.js";
import { createOpenAIProvider } from "../src/openai.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

let fast: FakeProviderServer;
let big: FakeProviderServer;
beforeAll(async () => {
  [fast, big] = await Promise.all([startFakeProviderServer(), startFakeProviderServer()]);
});
afterAll(() => Promise.all([fast.close(), big.close()]));

function options(extra: ParallellmOptions = {}): ParallellmOptions {
  return {
    summary: false,
    providers: {
      fast: createOpenAIProvider({ name: "fast", baseURL: `${fast.url}/v1`, apiKey: "sk-fast", api: "chat" }),
      big: createOpenAIProvider({ name: "big", baseURL: `${big.url}/v1`, apiKey: "sk-big" }),
    },
    limits: { fast: { concurrency: 2 }, "big/large-model": { rpm: 600 } },
    ...extra,
  };
}

const pipeline = (pllm: Parallellm) =>
  pllm.forEach(
    ["fast:small-model", "big:large-model"],
    (llm) => llm,
    (llm, agent) => agent.ask(`Hello from ${llm}`, { llm }).text(),
  );

/** `model path` of each request a server received. */
const received = (server: FakeProviderServer) => server.requests.map((request) => `${request.model} ${request.path}`);

describe("two OpenAI-compatible endpoints in one run", () => {
  it("sends each provider's calls to its own server, through its own API, and replays them", async () => {
    fast.resetLog();
    big.resetLog();
    const directory = tempWorkspace();
    const first = await Parallellm.run(directory, options({ strategy: "async" }), pipeline);
    expect(first.result).toEqual([expect.any(String), expect.any(String)]);
    expect(received(fast)).toEqual(["small-model /v1/chat/completions"]);
    expect(received(big)).toEqual(["large-model /v1/responses"]);
    expect(fast.requests[0].headers["authorization"]).not.toContain("sk-big");

    const again = await Parallellm.run(directory, options({ strategy: "async" }), pipeline);
    expect(again.result).toEqual(first.result);
    expect(again.summary).toMatchObject({ replayed: 2, sent: 0 });
    expect(fast.requests).toHaveLength(1);
    expect(big.requests).toHaveLength(1);
  });

  it("submits one batch to each server and ingests each from the server that holds it", async () => {
    const directory = tempWorkspace();
    const batches = { fast: fast.batchesOf("openai").length, big: big.batchesOf("openai").length };
    const first = await Parallellm.run(directory, options({ strategy: "batch" }), pipeline);
    expect(first.summary.batches.submitted.map((batch) => [batch.provider, batch.model])).toEqual([
      ["fast", "small-model"],
      ["big", "large-model"],
    ]);
    expect(fast.batchesOf("openai")).toHaveLength(batches.fast + 1);
    expect(big.batchesOf("openai")).toHaveLength(batches.big + 1);
    expect(fast.batchesOf("openai")[0].details).toMatchObject({ endpoint: "/v1/chat/completions" });
    expect(big.batchesOf("openai")[0].details).toMatchObject({ endpoint: "/v1/responses" });

    const second = await Parallellm.run(directory, options({ strategy: "batch" }), pipeline);
    expect(second.summary.batches).toMatchObject({ ingested: 2, ingestedAnswers: 2 });
    expect(second.result).toEqual([expect.any(String), expect.any(String)]);
  });
});
