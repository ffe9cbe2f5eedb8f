/**
 * What only the Gemini BatchApi does (the shared behaviour is the contract in
 * test/batch-api-contract.ts): inline requests equal to the REST body, the
 * inline envelope's size, `find` by display name, and Operations as real
 * captures show them (no metadata.output, responses without a key).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { GoogleGenAI } from "@google/genai";
import { afterAll, beforeEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { inputFile, readBatchResults } from "../../../test/batch-api.js";
import { providerPayloads } from "../../../test/fixtures/provider-payloads.js";
import type { LLMRequest } from "../../core/llm.js";
import { fakeEmbedding } from "../../testing/fake-server/fake-embedding.js";
import { type FakeProviderServer, startFakeProviderServer } from "../../testing/index.js";
import type { BatchApi, BatchItem } from "../provider.js";
import { createGoogleProvider } from "./google-provider.js";
import { toGeminiRestBody } from "./to-gemini-rest-body.js";

const fixtures = providerPayloads.gemini;
const model = "gemini-2.5-flash";

const server: FakeProviderServer = await startFakeProviderServer();
afterAll(() => server.close());
beforeEach(() => {
  server.setBatchBehavior({});
  server.resetLog();
});

const provider = createGoogleProvider({ client: server.clientsFor().google });
const batch = provider.batch!;

function ask(text: string, extra: Partial<LLMRequest> = {}): LLMRequest {
  return { provider: "google", model, messages: [{ role: "user", content: [{ type: "text", text }] }], ...extra };
}

function submit(items: BatchItem[], tag = `tag-${Math.random()}`, api: BatchApi = batch) {
  return api.submit({ model, items, tag, inputPath: inputFile(items.map((item) => api.inputLine(item))) });
}

/** The inline requests of the last batch created on the fake server, as they arrived. */
function sentRequests(): { request: unknown; metadata: unknown }[] {
  const create = server.requests.filter((request) => request.path.endsWith(":batchGenerateContent")).at(-1)!;
  return (create.body as { batch: { inputConfig: { requests: { requests: never[] } } } }).batch.inputConfig.requests
    .requests;
}

/** A loopback server answering every GET with `operation`. */
async function serving(operation: unknown): Promise<BatchApi> {
  const raw = createServer((_request, response) => {
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(operation));
  });
  await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
  onTestFinished(() => new Promise<void>((resolve) => raw.close(() => resolve())));
  const { port } = raw.address() as AddressInfo;
  const client = new GoogleGenAI({ apiKey: "k", httpOptions: { baseUrl: `http://127.0.0.1:${port}` } });
  return createGoogleProvider({ client }).batch!;
}

const divide = {
  name: "customDivide",
  description: "Divide two numbers",
  parameters: { type: "object", properties: { numerator: { type: "number" }, denominator: { type: "number" } } },
};
const verdict = {
  name: "verdict",
  jsonSchema: {
    type: "object",
    properties: { winner: { type: "string" }, score: { type: "integer" } },
    required: ["winner", "score"],
  },
};

describe("Gemini BatchApi limits and input lines", () => {
  it("caps inline batches at 100,000 requests and 18 MB of lines, overridable", () => {
    expect(batch.limits).toEqual({ maxRequests: 100_000, maxBytes: 18_000_000 });
    const small = createGoogleProvider({ batchLimits: { maxRequests: 10 } }).batch!;
    expect(small.limits).toEqual({ maxRequests: 10, maxBytes: 18_000_000 });
  });

  it("writes the file-format line: key and the REST body", () => {
    const request = ask("Hi", { instructions: "Be brief.", options: { temperature: 0.3 } });
    const line = batch.inputLine({ customId: "call-1", request });
    expect(JSON.parse(line)).toEqual({ key: "call-1", request: toGeminiRestBody(request) });
    expect(line).not.toContain("\n");
  });

  it("keeps an inline entry within 13 bytes of its line", async () => {
    const item = { customId: "agent/abc123/0", request: ask("Hello there") };
    await submit([item]);
    const entry = JSON.stringify(sentRequests()[0]);
    expect(entry.length - batch.inputLine(item).length).toBeLessThanOrEqual(13);
  });
});

describe("Gemini BatchApi inline requests", () => {
  it("the SDK's inline conversion keeps every mapped field of the REST body", async () => {
    const full: LLMRequest = {
      provider: "google",
      model,
      instructions: "Use the tool.",
      messages: [
        { role: "user", content: [{ type: "text", text: "what is the result of 100/2" }] },
        {
          role: "assistant",
          content: [{ type: "tool-call", id: "fc-1", name: "customDivide", args: { numerator: 100 } }],
        },
        {
          role: "user",
          content: [
            { type: "tool-result", toolCallId: "fc-1", name: "customDivide", output: 50 },
            { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
            { type: "file", mediaType: "application/pdf", url: "https://example.com/a.pdf" },
          ],
        },
      ],
      schema: verdict,
      tools: [divide],
      toolChoice: { name: "customDivide" },
      options: { temperature: 0.1, topP: 0.5, maxTokens: 32, stop: ["END"], seed: 3 },
      providerOptions: { topK: 4, safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }] },
    };

    await submit([{ customId: "full", request: full }]);

    expect(sentRequests()).toEqual([{ request: toGeminiRestBody(full), metadata: { key: "full" } }]);
  });
});

describe("Gemini BatchApi find", () => {
  it("finds a batch by its display name across pages, newest first", async () => {
    const { id: first } = await submit([{ customId: "a", request: ask("One") }], "find-me");
    for (let index = 0; index < 100; index++) await submit([{ customId: "a", request: ask("x") }], `other-${index}`);
    const { id: newest } = await submit([{ customId: "a", request: ask("Two") }], "find-me-too");
    server.resetLog();

    expect(await batch.find("find-me", { createdAfter: 0, requestCount: 1 })).toBe(first);
    expect(server.requests.map((request) => request.path)).toEqual([
      "/v1beta/batches?pageSize=100",
      "/v1beta/batches?pageSize=100&pageToken=100",
    ]);
    expect(await batch.find("find-me-too", { createdAfter: 0, requestCount: 1 })).toBe(newest);
    expect(await batch.find("never-submitted", { createdAfter: 0, requestCount: 1 })).toBeUndefined();
  });
});

describe("Gemini BatchApi on odd Operations", () => {
  it("warns when a succeeded batch carries no metadata.output (the recorded Operation has only `response`)", async () => {
    const api = await serving(fixtures.batch_status_succeeded_inline.body);

    const results = await readBatchResults(api.results("batches/tti3ik8qob66dxcvynlg5swnutyntbi926ac"));

    expect(results.items).toEqual([]);
    expect(results.warnings).toEqual([
      "[google] Batch batches/tti3ik8qob66dxcvynlg5swnutyntbi926ac succeeded but carries no inline output (metadata.output); its calls will be collected again.",
    ]);
  });

  it("skips responses without a key and empty entries, with warnings; repeats are passed on for the ingest to judge", async () => {
    const recorded = fixtures.batch_status_succeeded_inline.body;
    const [paris, tokyo] = recorded.response.inlinedResponses.inlinedResponses;
    const output = {
      inlinedResponses: {
        inlinedResponses: [
          { ...paris, metadata: { key: "paris" } },
          tokyo,
          { ...paris, metadata: { key: "paris" } },
          { metadata: { key: "empty" } },
          { ...fixtures.batch_inline_response_item_error.item },
        ],
      },
    };
    const api = await serving({ ...recorded, metadata: { ...recorded.metadata, output } });

    const results = await readBatchResults(api.results("batches/x"));

    expect(results.items.map((item) => item.customId)).toEqual(["paris", "paris", "request-2"]);
    expect(results.items[0]).toMatchObject({ customId: "paris", status: "succeeded" });
    expect(results.items[0].status === "succeeded" && results.items[0].result).toMatchObject({
      text: "The capital of France is **Paris**.",
      model: "gemini-2.5-flash-lite",
      usage: { inputTokens: 8, outputTokens: 8, totalTokens: 16 },
    });
    expect(results.items[2]).toMatchObject({
      customId: "request-2",
      status: "failed",
      error: { statusCode: 500, model: "gemini-2.5-flash-lite", providerMessage: "Internal error encountered." },
    });
    expect(results.rawLines).toHaveLength(5);
    expect(results.warnings).toEqual([
      "[google] Response 1 of batch batches/x has no metadata.key, so it cannot be matched to its call; skipped.",
      '[google] Response 3 of batch batches/x (key "empty") has neither a response nor an error; skipped.',
    ]);
  });
});

describe("Gemini BatchApi embeddings", () => {
  const embedModel = "gemini-embedding-001";

  function embedding(text: string, options: LLMRequest["embedding"] = {}): LLMRequest {
    return {
      provider: "google",
      model: embedModel,
      messages: [{ role: "user", content: [{ type: "text", text }] }],
      embedding: options,
    };
  }

  function submitEmbeddings(items: BatchItem[], tag = `tag-${Math.random()}`) {
    return batch.submit({ model: embedModel, items, tag, inputPath: inputFile(items.map(batch.inputLine)) });
  }

  it("takes embeddings; an embedding's line is the file form of an EmbedContentRequest", () => {
    expect(batch.takesEmbeddings).toBe(true);
    const line = batch.inputLine({
      customId: "e1",
      request: embedding("a text", { dimensions: 8, inputType: "RETRIEVAL_DOCUMENT" }),
    });
    expect(JSON.parse(line)).toEqual({
      key: "e1",
      request: { content: { parts: [{ text: "a text" }] }, taskType: "RETRIEVAL_DOCUMENT", outputDimensionality: 8 },
    });
    expect(JSON.parse(batch.inputLine({ customId: "e2", request: embedding("plain") }))).toEqual({
      key: "e2",
      request: { content: { parts: [{ text: "plain" }] } },
    });
  });

  it("submits through asyncBatchEmbedContent with each text keyed, and reads vectors and token counts back by key", async () => {
    const items = [
      { customId: "k-alpha", request: embedding("alpha", { dimensions: 4, inputType: "CLUSTERING" }) },
      { customId: "k-beta", request: embedding("beta two", { dimensions: 2 }) },
    ];
    const warnings = vi.spyOn(console, "warn");
    const { id } = await submitEmbeddings(items, "embed-tag");
    // The SDK's "experimental" notice at each create is held back, and console.warn is itself again.
    expect(warnings).not.toHaveBeenCalled();
    expect(console.warn).toBe(warnings);
    warnings.mockRestore();

    const create = server.requests.at(-1)!;
    expect(create.path).toBe(`/v1beta/models/${embedModel}:asyncBatchEmbedContent`);
    expect(create.body).toEqual({
      batch: {
        displayName: "embed-tag",
        inputConfig: {
          requests: {
            requests: items.map((item) => {
              const { key, request } = JSON.parse(batch.inputLine(item));
              return { request, metadata: { key } };
            }),
          },
        },
      },
    });
    // The inline entry stays within 13 bytes of its line, as the limits assume.
    const entries = (create.body as { batch: { inputConfig: { requests: { requests: unknown[] } } } }).batch.inputConfig
      .requests.requests;
    expect(JSON.stringify(entries[0]).length - batch.inputLine(items[0]!).length).toBeLessThanOrEqual(13);
    expect(await batch.find("embed-tag", { createdAfter: 0, requestCount: 2 })).toBe(id);

    const status = await batch.status(id);
    expect(status.state).toBe("completed");
    const results = await readBatchResults(batch.results(id, status));

    expect(results.warnings).toEqual([]);
    expect(results.items.map((item) => item.customId)).toEqual(["k-alpha", "k-beta"]);
    const [alpha, beta] = results.items.map((item) => (item.status === "succeeded" ? item.result : undefined));
    expect([...alpha!.embedding!]).toEqual([...fakeEmbedding(embedModel, "alpha", 4, "CLUSTERING")]);
    expect(alpha).toMatchObject({ text: "", model: embedModel, usage: { inputTokens: 2, totalTokens: 2 } });
    expect([...beta!.embedding!]).toEqual([...fakeEmbedding(embedModel, "beta two", 2)]);
  });

  it("a failed request fails only its item", async () => {
    server.setBatchBehavior({ failRequest: ({ customId }) => (customId === "bad" ? 400 : undefined) });
    const { id } = await submitEmbeddings([
      { customId: "good", request: embedding("fine", { dimensions: 2 }) },
      { customId: "bad", request: embedding("refused", { dimensions: 2 }) },
    ]);

    const results = await readBatchResults(batch.results(id, await batch.status(id)));

    expect(results.items.map((item) => [item.customId, item.status])).toEqual([
      ["good", "succeeded"],
      ["bad", "failed"],
    ]);
    expect(results.items[1]).toMatchObject({ error: { statusCode: 400, model: embedModel } });
  });

  it("refuses a batch that mixes asks and embeddings, sending nothing", async () => {
    const mixed = [
      { customId: "e", request: embedding("text") },
      { customId: "a", request: { ...ask("Hi"), model: embedModel } },
    ];
    await expect(submitEmbeddings(mixed)).rejects.toThrow(/asks or embeddings, not both/);
    expect(server.requests).toEqual([]);
  });
});

describe("Gemini BatchApi on odd embedding Operations", () => {
  function succeeded(inlinedResponses: unknown[]) {
    const output = { inlinedResponses: { inlinedResponses } };
    return {
      name: "batches/e",
      metadata: {
        "@type": "type.googleapis.com/google.ai.generativelanguage.v1main.EmbedContentBatch",
        model: "models/gemini-embedding-001",
        output,
        state: "BATCH_STATE_SUCCEEDED",
      },
      done: true,
      response: {
        "@type": "type.googleapis.com/google.ai.generativelanguage.v1main.EmbedContentBatchOutput",
        ...output,
      },
    };
  }

  it("skips an entry without a key and a response without a vector, with warnings; never matches by position", async () => {
    const api = await serving(
      succeeded([
        { response: { embedding: { values: [0.5, 0.5] }, tokenCount: "3" }, metadata: { key: "ok" } },
        { response: { embedding: { values: [0.1, 0.2] }, tokenCount: "1" } },
        { response: { tokenCount: "2" }, metadata: { key: "no-vector" } },
      ]),
    );

    const results = await readBatchResults(api.results("batches/e"));

    expect(results.items).toEqual([expect.objectContaining({ customId: "ok", status: "succeeded" })]);
    expect(results.rawLines).toHaveLength(3);
    expect(results.warnings).toEqual([
      "[google] Response 1 of batch batches/e has no metadata.key, so it cannot be matched to its call; skipped.",
      '[google] Response 2 of batch batches/e (key "no-vector") has no readable answer (the response holds no embedding.values); skipped.',
    ]);
  });

  it("reads embeddings left under inlinedResponses (a job the SDK did not rename) as embeddings", async () => {
    const job = {
      name: "batches/raw",
      state: "JOB_STATE_SUCCEEDED",
      model: "models/gemini-embedding-001",
      dest: {
        inlinedResponses: [
          { error: { code: 500, message: "Internal." }, metadata: { key: "failed" } },
          { response: { embedding: { values: [0.6, 0.8] }, tokenCount: "4" }, metadata: { key: "vector" } },
        ],
      },
    };

    const results = await readBatchResults(batch.results("batches/raw", { state: "completed", raw: job }));

    expect(results.warnings).toEqual([]);
    expect(results.items.map((item) => [item.customId, item.status])).toEqual([
      ["failed", "failed"],
      ["vector", "succeeded"],
    ]);
    const vector = results.items[1]?.status === "succeeded" ? results.items[1].result : undefined;
    expect(vector).toMatchObject({ usage: { inputTokens: 4 }, model: "gemini-embedding-001" });
    expect([...vector!.embedding!]).toEqual([Math.fround(0.6), Math.fround(0.8)]);
  });

  it("reads an embedding batch whose every request failed (the SDK leaves its output as inlinedResponses)", async () => {
    const api = await serving(
      succeeded([{ error: { code: 429, message: "Quota.", status: "RESOURCE_EXHAUSTED" }, metadata: { key: "q" } }]),
    );

    const results = await readBatchResults(api.results("batches/e"));

    expect(results.warnings).toEqual([]);
    expect(results.items).toEqual([
      expect.objectContaining({ customId: "q", status: "failed", error: expect.objectContaining({ statusCode: 429 }) }),
    ]);
  });
});
