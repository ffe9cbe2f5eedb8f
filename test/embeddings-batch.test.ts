/**
 * Embeddings in `batch` and `hybrid`: collected into provider batches of their
 * own (never mixed with asks; OpenAI `/v1/embeddings`, Gemini
 * `asyncBatchEmbedContent`), the run halts where it needs vectors not back
 * yet, the next run ingests them and replays them. Official SDKs, fake server, SQLite.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Parallellm, type ParallellmOptions } from "../src/index.js";
import { fakeEmbedding } from "../src/testing/fake-server/fake-embedding.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());
beforeEach(() => {
  server.setBatchBehavior({});
  server.resetLog();
});

const texts = ["alpha", "beta", "gamma"];

async function run(directory: string, model: string, extra: ParallellmOptions = {}) {
  const pllm = await Parallellm.open(directory, {
    llm: "gpt-4.1-mini",
    strategy: "batch",
    clients: server.clientsFor(),
    summary: false,
    ...extra,
  });
  const outcome = await pllm.agent("embedder", async (agent) => {
    const vectors = await agent.embed(texts, { model, dimensions: 4 });
    const label = await agent.ask(`Name the cluster of ${texts.join(", ")}.`).text();
    return { vectors, label };
  });
  const summary = await pllm.close();
  return { outcome, summary };
}

/** The summary of a dry run that embeds two texts with `model`. */
async function dryRunEmbed(llm: string, model: string) {
  const pllm = await Parallellm.open(tempWorkspace(), {
    strategy: "dry-run",
    clients: server.clientsFor(),
    llm,
    summary: false,
  });
  await pllm.agent("embedder", (agent) => agent.embed(["a long text here", "b"], { model }));
  return pllm.close();
}

describe("embed in batch", () => {
  it("OpenAI: collected into a /v1/embeddings batch, ingested by the next run at the batch price, then replayed", async () => {
    const directory = tempWorkspace();
    const first = await run(directory, "text-embedding-3-small");
    expect(first.outcome).toBeUndefined();
    expect(first.summary).toMatchObject({ collected: 3, sent: 0, halted: 1 });
    const [batch] = server.batchesOf("openai").slice(-1);
    expect(batch?.details).toMatchObject({ endpoint: "/v1/embeddings" });
    expect(server.requests.some((request) => request.path === "/v1/embeddings")).toBe(false);

    const known = new Set(server.batchesOf("openai").map((batch) => batch.id));
    const second = await run(directory, "text-embedding-3-small");
    // The vectors came back; the ask that needs them goes in a batch of its own (another endpoint).
    expect(second.summary).toMatchObject({ replayed: 3, collected: 1, sent: 0, halted: 1 });
    const created = server.batchesOf("openai").filter((batch) => !known.has(batch.id));
    expect(created.map((batch) => batch.details.endpoint)).toEqual(["/v1/responses"]);

    const third = await run(directory, "text-embedding-3-small");
    expect(third.summary).toMatchObject({ replayed: 4, sent: 0, collected: 0 });
    expect(third.outcome?.vectors.map((vector) => [...vector])).toEqual(
      texts.map((text) => [...fakeEmbedding("text-embedding-3-small", text, 4)]),
    );
    await using reader = await Parallellm.inspect(directory);
    const usage = await reader.usage();
    expect(usage.find((row) => row.model === "text-embedding-3-small")).toMatchObject({ viaBatch: true, answers: 3 });
    // One token per four characters, one line per text: "alpha", "beta", "gamma" take 2 + 1 + 2.
    expect(usage.find((row) => row.model === "text-embedding-3-small")?.inputTokens).toBe(5);
    // $0.02 per million input tokens, half of it through the Batch API.
    const cost = await reader.cost();
    const line = cost.allTime.byModel.find((row) => row.name === "text-embedding-3-small");
    expect(line?.cost).toBeCloseTo((5 * 0.02 * 0.5) / 1e6, 15);
  });

  it("Gemini: collected into an embedding batch (asyncBatchEmbedContent, keyed by metadata), ingested by the next run, then replayed", async () => {
    const directory = tempWorkspace();
    const gemini = { llm: "gemini-2.5-flash" };
    const first = await run(directory, "gemini-embedding-001", gemini);
    expect(first.outcome).toBeUndefined();
    expect(first.summary).toMatchObject({ collected: 3, sent: 0, halted: 1 });
    expect(server.requests.some((request) => request.path.includes(":batchEmbedContents"))).toBe(false);
    const creates = server.requests.filter((request) => request.path.endsWith(":asyncBatchEmbedContent"));
    expect(creates.map((request) => request.path)).toEqual([
      "/v1beta/models/gemini-embedding-001:asyncBatchEmbedContent",
    ]);
    // Each text its own request with its own key: results are matched by key, never by position.
    const sent = (creates[0]!.body as { batch: { inputConfig: { requests: { requests: unknown[] } } } }).batch
      .inputConfig.requests.requests;
    expect(sent).toEqual(
      texts.map((text) => ({
        request: { content: { parts: [{ text }] }, outputDimensionality: 4 },
        metadata: { key: expect.any(String) },
      })),
    );
    const [batch] = server.batchesOf("google").slice(-1);
    expect(batch?.details).toMatchObject({ kind: "EmbedContentBatch", model: "models/gemini-embedding-001" });

    const known = new Set(server.batchesOf("google").map((batch) => batch.id));
    const second = await run(directory, "gemini-embedding-001", gemini);
    // The vectors came back; the ask that needs them goes in a generate batch of its own.
    expect(second.summary).toMatchObject({ replayed: 3, collected: 1, sent: 0, halted: 1 });
    const created = server.batchesOf("google").filter((batch) => !known.has(batch.id));
    expect(created.map((batch) => batch.details.kind)).toEqual(["GenerateContentBatch"]);

    const third = await run(directory, "gemini-embedding-001", gemini);
    expect(third.summary).toMatchObject({ replayed: 4, sent: 0, collected: 0 });
    expect(third.outcome?.vectors.map((vector) => [...vector])).toEqual(
      texts.map((text) => [...fakeEmbedding("gemini-embedding-001", text, 4)]),
    );
    await using reader = await Parallellm.inspect(directory);
    const usage = (await reader.usage()).find((row) => row.model === "gemini-embedding-001");
    // A batch result reports its tokenCount (the direct endpoint reports none): 2 + 1 + 2.
    expect(usage).toMatchObject({ viaBatch: true, answers: 3, inputTokens: 5, uncounted: 0 });
    // $0.15 per million input tokens, half of it through the Batch API.
    const line = (await reader.cost()).allTime.byModel.find((row) => row.name === "gemini-embedding-001");
    expect(line).toMatchObject({ uncounted: 0 });
    expect(line?.cost).toBeCloseTo((5 * 0.15 * 0.5) / 1e6, 15);
  });

  it("Gemini: a request that fails in an embedding batch fails only its text; the others are stored", async () => {
    const directory = tempWorkspace();
    const embedEach = async () => {
      const pllm = await Parallellm.open(directory, {
        llm: "gemini-2.5-flash",
        strategy: "batch",
        clients: server.clientsFor(),
        summary: false,
      });
      const outcomes = await pllm.agent("embedder", (agent) =>
        Promise.all(
          texts.map((text) =>
            agent.embed(text, { model: "gemini-embedding-001", dimensions: 4 }).then(
              ([vector]) => [...vector!],
              (error: Error) => error.name,
            ),
          ),
        ),
      );
      return { outcomes, summary: await pllm.close() };
    };
    server.setBatchBehavior({ failRequest: ({ prompt }) => (prompt === "beta" ? 400 : undefined) });
    // The first run only collects (each awaited vector halts, which `embedEach` reads as an error).
    const first = await embedEach();
    expect(first.summary).toMatchObject({ collected: 3, sent: 0 });

    const second = await embedEach();
    expect(second.outcomes).toEqual([
      [...fakeEmbedding("gemini-embedding-001", "alpha", 4)],
      "ProviderRequestError",
      [...fakeEmbedding("gemini-embedding-001", "gamma", 4)],
    ]);
    await using reader = await Parallellm.inspect(directory);
    const { calls } = await reader.calls({ model: "gemini-embedding-001" });
    expect(calls.map((call) => call.status).sort()).toEqual(["answered", "answered", "failed"]);
  });

  it("dry-run: sends nothing, and counts each text's tokens with OpenAI's tokenizer, without a chat message's framing", async () => {
    const summary = await dryRunEmbed("gpt-4.1-mini", "text-embedding-3-small");
    expect(server.requests).toHaveLength(0);
    // "a", " long", " text", " here" and "b".
    expect(summary.dryRun).toEqual([
      expect.objectContaining({ model: "text-embedding-3-small", calls: 2, inputTokens: 5, method: "cl100k_base" }),
    ]);
  });

  it.each([
    ["OpenAI", "text-embedding-3-small", "gpt-4.1-mini", (path: string) => path === "/v1/embeddings"],
    ["Gemini", "gemini-embedding-001", "gemini-2.5-flash", (path: string) => path.endsWith(":batchEmbedContents")],
  ])("hybrid (%s): a small round of embeddings is sent directly, no batch created", async (_, model, llm, direct) => {
    const directory = tempWorkspace();
    const { outcome, summary } = await run(directory, model, { strategy: "hybrid", llm });
    expect(outcome?.vectors).toHaveLength(3);
    expect(summary).toMatchObject({ sent: 4, received: 4, collected: 0 });
    expect(server.requests.filter((request) => direct(request.path))).toHaveLength(1);
    expect(
      server.requests.filter((request) =>
        /:(asyncBatchEmbedContent|batchGenerateContent)$|\/v1\/batches$/.test(request.path),
      ),
    ).toEqual([]);
  });

  it("dry-run (Gemini): sends nothing, and estimates each text's tokens and their price", async () => {
    const summary = await dryRunEmbed("gemini-2.5-flash", "gemini-embedding-001");
    expect(server.requests).toHaveLength(0);
    expect(summary.dryRun).toEqual([
      expect.objectContaining({
        model: "gemini-embedding-001",
        calls: 2,
        inputTokens: 5,
        method: "estimate",
        directInputCost: (5 * 0.15) / 1e6,
        batchInputCost: (5 * 0.15 * 0.5) / 1e6,
      }),
    ]);
  });
});
