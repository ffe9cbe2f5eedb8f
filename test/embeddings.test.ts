/**
 * Embeddings (`agent.embed`): vectors with ask's guarantees. Through the official
 * SDKs against the fake server, with a real SQLite store: each text a call of its
 * own, stored as it arrives and replayed for free; direct requests chunked at each
 * API's limits; providers without embeddings refused.
 */
import { stripVTControlCharacters } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { costLines } from "../src/cli/cost-command.js";
import { callDetailLines } from "../src/cli/format-call.js";
import { statusLines } from "../src/cli/status-command.js";
import {
  type EmbedOptions,
  InputError,
  Parallellm,
  type ParallellmOptions,
  ProviderRequestError,
} from "../src/index.js";
import { createMistralProvider } from "../src/mistral.js";
import { createGroqProvider } from "../src/openai.js";
import { fakeEmbedding } from "../src/testing/fake-server/fake-embedding.js";
import { type FakeProviderServer, MockProvider, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());
beforeEach(() => server.resetLog());

function options(extra: ParallellmOptions = {}): ParallellmOptions {
  return {
    llm: "gpt-4.1-mini",
    strategy: "async",
    clients: server.clientsFor(),
    retry: { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 },
    summary: false,
    ...extra,
  };
}

async function embedOnce(
  directory: string,
  texts: readonly string[],
  embed: EmbedOptions,
  extra: ParallellmOptions = {},
) {
  const pllm = await Parallellm.open(directory, options(extra));
  const vectors = await pllm.agent("embedder", (agent) => agent.embed(texts, embed));
  const summary = await pllm.close();
  return { vectors: vectors ?? [], summary };
}

/** The texts of each embeddings request the server received. */
function embeddingRequests(): string[][] {
  return server.requests
    .filter((request) => request.path.includes("mbed"))
    .map((request) => {
      const body = request.body as { input?: string[]; requests?: { content: { parts: { text: string }[] } }[] };
      return body.input ?? body.requests?.map((item) => item.content.parts[0]!.text) ?? [];
    });
}

const small = { model: "text-embedding-3-small", dimensions: 8 };

describe("embed: identity, storage and replay", () => {
  for (const strategy of ["sync", "async"] as const) {
    it(`${strategy}: one vector per text, in order, as the provider made them, in one request; a rerun replays all with 0 requests`, async () => {
      const directory = tempWorkspace();
      const texts = ["red apple", "green pear", "blue plum"];
      const first = await embedOnce(directory, texts, small, { strategy });
      expect(first.vectors).toHaveLength(3);
      first.vectors.forEach((vector, index) => {
        expect(vector).toBeInstanceOf(Float32Array);
        expect([...vector]).toEqual([...fakeEmbedding(small.model, texts[index]!, 8)]);
      });
      expect(embeddingRequests()).toEqual([texts]);
      expect(first.summary).toMatchObject({ asked: 3, sent: 3, received: 3, replayed: 0 });
      server.resetLog();
      const second = await embedOnce(directory, texts, small, { strategy });
      expect(server.requests).toHaveLength(0);
      expect(second.summary).toMatchObject({ asked: 3, sent: 0, replayed: 3 });
      expect(second.vectors.map((vector) => [...vector])).toEqual(first.vectors.map((vector) => [...vector]));
    });
  }

  it("one text changed: only it is embedded again; another model or length: all of them", async () => {
    const directory = tempWorkspace();
    await embedOnce(directory, ["one", "two", "three"], small);
    server.resetLog();
    await embedOnce(directory, ["one", "TWO", "three"], small);
    expect(embeddingRequests()).toEqual([["TWO"]]);
    server.resetLog();
    await embedOnce(directory, ["one", "TWO", "three"], { ...small, dimensions: 4 });
    expect(embeddingRequests()).toEqual([["one", "TWO", "three"]]);
    server.resetLog();
    await embedOnce(directory, ["one", "TWO", "three"], { model: "text-embedding-3-large", dimensions: 4 });
    expect(embeddingRequests()).toEqual([["one", "TWO", "three"]]);
  });

  it("rewriteCache embeds again and replaces; ignoreCache embeds again and keeps the stored vector in use", async () => {
    const directory = tempWorkspace();
    await embedOnce(directory, ["again"], small);
    server.resetLog();
    await embedOnce(directory, ["again"], { ...small, ignoreCache: true });
    await embedOnce(directory, ["again"], { ...small, rewriteCache: true });
    expect(embeddingRequests()).toEqual([["again"], ["again"]]);
    await using reader = await Parallellm.inspect(directory);
    const detail = await reader.call(1);
    expect(detail?.answers.map((answer) => answer.inUse)).toEqual([false, false, true]);
  });

  it("the same text twice in one embed is two calls (occurrences), each stored and replayed", async () => {
    const directory = tempWorkspace();
    const first = await embedOnce(directory, ["same", "same"], small);
    expect(first.summary).toMatchObject({ sent: 2, received: 2 });
    server.resetLog();
    const second = await embedOnce(directory, ["same", "same"], small);
    expect(second.summary).toMatchObject({ replayed: 2, sent: 0 });
  });

  it("input tokens of a chunk are shared among its texts so that they add up to what the provider reported", async () => {
    const directory = tempWorkspace();
    const texts = ["a".repeat(10), "b".repeat(30), "c".repeat(7)];
    await embedOnce(directory, texts, small);
    await using reader = await Parallellm.inspect(directory);
    // The fake counts one token per four characters: 3 + 8 + 2.
    expect(await reader.usage()).toMatchObject([{ model: small.model, answers: 3, inputTokens: 13, outputTokens: 0 }]);
    const { calls } = await reader.calls();
    expect(calls.reduce((sum, call) => sum + (call.inputTokens ?? 0), 0)).toBe(13);
  });

  it("Gemini: task type and dimensions reach the API and shape the vector", async () => {
    const directory = tempWorkspace();
    const embed = { model: "gemini-embedding-001", dimensions: 6, inputType: "RETRIEVAL_QUERY" };
    const { vectors } = await embedOnce(directory, ["where is the station?"], embed);
    expect([...vectors[0]!]).toEqual([
      ...fakeEmbedding("gemini-embedding-001", "where is the station?", 6, "RETRIEVAL_QUERY"),
    ]);
    const [request] = server.requests;
    expect(request?.path).toContain("gemini-embedding-001:batchEmbedContents");
    expect(request?.body).toMatchObject({ requests: [{ taskType: "RETRIEVAL_QUERY", outputDimensionality: 6 }] });
  });

  it("Gemini sent directly reports no token counts: what those texts cost is unknown, never $0, wherever cost is told", async () => {
    const directory = tempWorkspace();
    const embed = { model: "gemini-embedding-001", dimensions: 4 };
    const printed: string[] = [];
    const summary = (text: string) => printed.push(text);
    const first = await embedOnce(directory, ["one", "two", "three"], embed, { summary });
    const line = { name: "gemini-embedding-001", answers: 3, inputTokens: 0, outputTokens: 0, uncounted: 3 };
    expect(first.summary.cost.session).toEqual({ total: undefined, byModel: [{ ...line, cost: undefined }] });
    expect(printed.join("\n")).toMatch(
      /cost {6}unknown this session \(gemini-embedding-001 no token counts \(3 answers\); prices of/,
    );

    // Read back after the session ended (its tallies written to session_usage) and live.
    await using reader = await Parallellm.inspect(directory);
    const report = await reader.cost();
    expect(report.allTime.byModel).toEqual([{ ...line, cost: undefined }]);
    expect(report.allTime.total).toBeUndefined();
    const text = stripVTControlCharacters(costLines(report, 1, 20).join("\n"));
    expect(text).toMatch(/gemini-embedding-001 +3 +0 +0 +no token counts/);
    expect(text).toContain("no token counts: 3 answers came without token counts");
    expect(text).not.toContain("no price");
    const shown = stripVTControlCharacters(callDetailLines((await reader.call(1))!).join("\n"));
    expect(shown).toMatch(/tokens +\? in, \? out\n.*cost +no token counts/);
    const overview = await reader.overview();
    expect(overview.spent.allTime).toEqual({
      answers: 3,
      inputTokens: 0,
      outputTokens: 0,
      uncounted: 3,
      cost: undefined,
    });
    expect(stripVTControlCharacters(statusLines(directory, overview, Date.now()).join("\n"))).toContain(
      "(no token counts: 3 answers came without them",
    );

    // A rerun replays them: what that saved is unknown too, not $0.
    printed.length = 0;
    const second = await embedOnce(directory, ["one", "two", "three"], embed, { summary });
    expect(second.summary).toMatchObject({ replayed: 3, sent: 0 });
    expect(second.summary.cost).toMatchObject({ savedByReplay: undefined, replayedUncounted: 3 });
    expect(printed.join("\n")).toContain("saved     unknown by replay (3 answers replayed without token counts)");
    const afterReplay = stripVTControlCharacters(costLines(await reader.cost(2), 2, 20).join("\n"));
    expect(afterReplay).toContain("Saved: unknown by replay in session 2 (3 answers replayed without token counts)");
  });
});

describe("embed: MockProvider", () => {
  it("embeds offline: deterministic vectors, each chunk recorded, a rerun replays", async () => {
    const mock = new MockProvider();
    const directory = tempWorkspace();
    const run = async () => {
      const pllm = await Parallellm.open(directory, { llm: "mock-1", providers: { mock }, summary: false });
      const vectors = await pllm.agent("embedder", (agent) =>
        agent.embed(["a", "b"], { model: "mock-embed", dimensions: 3 }),
      );
      return { vectors, summary: await pllm.close() };
    };
    const first = await run();
    expect(first.vectors?.map((vector) => [...vector])).toEqual([
      [...fakeEmbedding("mock-embed", "a", 3)],
      [...fakeEmbedding("mock-embed", "b", 3)],
    ]);
    expect(mock.embeddingRequests).toEqual([{ model: "mock-embed", texts: ["a", "b"], options: { dimensions: 3 } }]);
    expect((await run()).summary).toMatchObject({ replayed: 2, sent: 0 });
    expect(mock.embeddingRequests).toHaveLength(1);
  });
});

describe("embed: chunks within each API's limits", () => {
  it("OpenAI: 2,049 texts go as 2,048 + 1 (the API refuses more than 2,048 inputs)", async () => {
    const texts = Array.from({ length: 2049 }, (_, index) => `text ${index}`);
    const { vectors, summary } = await embedOnce(tempWorkspace(), texts, { ...small, dimensions: 2 });
    expect(embeddingRequests().map((inputs) => inputs.length)).toEqual([2048, 1]);
    expect(vectors).toHaveLength(2049);
    expect([...vectors[2048]!]).toEqual([...fakeEmbedding(small.model, "text 2048", 2)]);
    expect(summary).toMatchObject({ sent: 2049, received: 2049, failed: 0 });
  });

  it("OpenAI: texts over 300,000 tokens in all go in several requests, none over the limit", async () => {
    // 40 texts of 8,000 tokens each (32,000 characters) by the fake's count: 320,000 tokens.
    const texts = Array.from({ length: 40 }, (_, index) => `${index} `.padEnd(32_000, "x"));
    const { summary } = await embedOnce(tempWorkspace(), texts, { ...small, dimensions: 2 });
    const requests = embeddingRequests();
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.flat()).toHaveLength(40);
    expect(server.requests.every((request) => request.status === 200)).toBe(true);
    expect(summary).toMatchObject({ sent: 40, received: 40, failed: 0 });
  });

  it("Gemini: 250 texts go as 100 + 100 + 50", async () => {
    const texts = Array.from({ length: 250 }, (_, index) => `text ${index}`);
    const { vectors } = await embedOnce(tempWorkspace(), texts, { model: "gemini-embedding-001", dimensions: 2 });
    expect(embeddingRequests().map((inputs) => inputs.length)).toEqual([100, 100, 50]);
    expect(vectors).toHaveLength(250);
  });

  it("a text the API rejects fails alone: the texts sent with it are embedded and stored", async () => {
    const directory = tempWorkspace();
    // 40,000 characters: 10,000 tokens by the fake's count, over the 8,192 of one input.
    const texts = ["short one", "x".repeat(40_000), "short two", "short three"];
    const pllm = await Parallellm.open(directory, options({ onError: "record" }));
    const outcome = await pllm.agent("embedder", (agent) => agent.embed(texts, small).catch((error: unknown) => error));
    const summary = await pllm.close();
    expect(outcome).toBeInstanceOf(ProviderRequestError);
    expect((outcome as ProviderRequestError).message).toContain("maximum context length is 8192 tokens");
    expect(summary).toMatchObject({ received: 3, failed: 1, failedForGood: 1 });
    server.resetLog();
    const rerun = await embedOnce(directory, ["short one", "short two", "short three"], small);
    expect(server.requests).toHaveLength(0);
    expect(rerun.summary).toMatchObject({ replayed: 3 });
  });
});

describe("embed: refused loudly", () => {
  const refusals: [string, unknown, RegExp][] = [
    [
      "Anthropic has none",
      { model: "claude-sonnet-4-5" },
      /anthropic.*no embeddings.*text-embedding-3-small.*Voyage/is,
    ],
    ["a list of models", { model: ["text-embedding-3-small", "gemini-embedding-001"] }, /one model, not a list/],
    ["no model", {}, /needs a model/],
    ["an unknown option", { model: "text-embedding-3-small", dimension: 8 }, /dimension/],
    ["dimensions of 0", { model: "text-embedding-3-small", dimensions: 0 }, /dimensions/],
  ];
  for (const [what, embedOptions, message] of refusals) {
    it(`${what}: an InputError at embed, nothing sent`, async () => {
      const pllm = await Parallellm.open(tempWorkspace(), options());
      const error = await pllm
        .agent("embedder", async (agent) => {
          try {
            agent.embed(["text"], embedOptions as never);
          } catch (caught) {
            return caught;
          }
        })
        .catch((caught: unknown) => caught);
      await pllm.close();
      expect(error).toBeInstanceOf(InputError);
      expect((error as Error).message).toMatch(message);
      expect(server.requests).toHaveLength(0);
    });
  }

  it("Groq and Mistral (no embeddings here): an InputError naming what to use", async () => {
    const providers = {
      groq: createGroqProvider({ apiKey: "unused" }),
      mistral: createMistralProvider({ apiKey: "unused" }),
    };
    const pllm = await Parallellm.open(tempWorkspace(), options({ providers }));
    await pllm.agent("embedder", (agent) => {
      for (const model of ["groq:llama-3.1-8b-instant", "mistral:mistral-embed"]) {
        expect(() => agent.embed(["text"], { model })).toThrow(/has no embeddings in parallellm\. Use an OpenAI/);
      }
    });
    await pllm.close();
    expect(server.requests).toHaveLength(0);
  });

  it("an empty text: an InputError naming which", async () => {
    const pllm = await Parallellm.open(tempWorkspace(), options());
    await pllm.agent("embedder", (agent) => {
      expect(() => agent.embed(["fine", "  "], small)).toThrow(/empty string as text 1/);
    });
    await pllm.close();
  });
});
