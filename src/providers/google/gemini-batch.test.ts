import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { GoogleGenAI } from "@google/genai";
import { afterAll, beforeEach, describe, expect, it, onTestFinished } from "vitest";
import { inputFile, readBatchResults } from "../../../test/batch-api.js";
import { providerPayloads } from "../../../test/fixtures/provider-payloads.js";
import { ParallellmError, ProviderRequestError, TransientProviderError } from "../../core/errors.js";
import type { LLMRequest } from "../../core/llm.js";
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

describe("Gemini BatchApi round trip against the fake server", () => {
  it("submits inline requests that equal the REST body, polls, and reads results in input order", async () => {
    server.setBatchBehavior({ completeAfterPolls: 1 });
    server.script({
      provider: "google",
      match: "100/2",
      reply: { toolCalls: [{ name: "customDivide", args: { numerator: 100, denominator: 2 } }] },
    });
    const items: BatchItem[] = [
      { customId: "text", request: ask("high", { instructions: "I say high you say low" }) },
      { customId: "json", request: ask("Who won?", { schema: verdict }) },
      { customId: "tool", request: ask("what is the result of 100/2", { tools: [divide], toolChoice: "auto" }) },
    ];

    const { id } = await submit(items, "run-1/session-1/batch-0");

    expect(id).toMatch(/^batches\/[0-9a-z]+$/);
    expect(sentRequests()).toEqual(
      items.map((item) => ({ request: toGeminiRestBody(item.request), metadata: { key: item.customId } })),
    );
    expect(server.batchesOf("google")[0].details).toMatchObject({ displayName: "run-1/session-1/batch-0" });
    expect(await batch.status(id)).toMatchObject({ state: "in-progress" });
    expect(await batch.status(id)).toMatchObject({ state: "completed" });

    const { items: results, rawLines, warnings } = await readBatchResults(batch.results(id));

    expect(warnings).toEqual([]);
    expect(results.map((result) => [result.customId, result.status])).toEqual([
      ["text", "succeeded"],
      ["json", "succeeded"],
      ["tool", "succeeded"],
    ]);
    const [text, json, tool] = results.map((result) => (result.status === "succeeded" ? result.result : undefined));
    expect(text?.text).toMatch(/^Answer to: high/);
    expect(JSON.parse(json!.text)).toEqual({ winner: expect.any(String), score: expect.any(Number) });
    expect(tool?.toolCalls).toEqual([{ id: "call_0", name: "customDivide", args: { numerator: 100, denominator: 2 } }]);
    expect(tool?.finishReason).toEqual({ unified: "tool-calls", raw: "STOP" });
    expect(rawLines.map((line) => JSON.parse(line).metadata)).toEqual([
      { key: "text" },
      { key: "json" },
      { key: "tool" },
    ]);

    // Each result equals what a direct call answers for the same request (the response id aside).
    for (const [index, item] of items.entries()) {
      const direct = await provider.generate(item.request);
      const batched = results[index];
      expect(batched.status === "succeeded" && { ...batched.result, responseId: undefined }).toEqual({
        ...direct,
        responseId: undefined,
      });
    }
  });

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

  it("returns per-request errors as failed items with a classified ProviderError", async () => {
    server.setBatchBehavior({
      failRequest: ({ customId }) => ({ bad: 400, busy: 503 })[customId as "bad" | "busy"],
    });
    const { id } = await submit([
      { customId: "good", request: ask("One") },
      { customId: "bad", request: ask("Two") },
      { customId: "busy", request: ask("Three") },
    ]);

    const { items } = await readBatchResults(batch.results(id));

    expect(items[0]).toMatchObject({ customId: "good", status: "succeeded" });
    expect(items[1]).toMatchObject({ customId: "bad", status: "failed" });
    const [bad, busy] = items.slice(1).map((item) => (item.status === "failed" ? item.error : undefined));
    expect(bad).toBeInstanceOf(ProviderRequestError);
    expect(bad).toMatchObject({
      provider: "google",
      model,
      statusCode: 400,
      providerMessage: "Request contains an invalid argument.",
    });
    expect(busy).toBeInstanceOf(TransientProviderError);
    expect(busy).toMatchObject({ kind: "overloaded", statusCode: 503 });
  });

  it("an expired batch has no results: every call is collected again", async () => {
    server.setBatchBehavior({ outcome: "expired", finishedBeforeEnd: 1 });
    const { id } = await submit([
      { customId: "a", request: ask("One") },
      { customId: "b", request: ask("Two") },
    ]);

    expect(await batch.status(id)).toMatchObject({ state: "expired" });
    expect(await readBatchResults(batch.results(id))).toEqual({ items: [], rawLines: [], warnings: [] });
  });

  it("a failed batch has no results", async () => {
    server.setBatchBehavior({ outcome: "failed" });
    const { id } = await submit([{ customId: "a", request: ask("One") }]);

    expect(await batch.status(id)).toMatchObject({ state: "failed" });
    expect(await readBatchResults(batch.results(id))).toEqual({ items: [], rawLines: [], warnings: [] });
  });

  it("cancel ends the batch; the results of processed requests are kept", async () => {
    server.setBatchBehavior({ completeAfterPolls: 10, finishedBeforeEnd: 1 });
    const { id } = await submit([
      { customId: "a", request: ask("One") },
      { customId: "b", request: ask("Two") },
    ]);
    expect(await batch.status(id)).toMatchObject({ state: "in-progress" });

    await batch.cancel(id);

    expect(await batch.status(id)).toMatchObject({ state: "cancelled" });
    const { items } = await readBatchResults(batch.results(id));
    expect(items.map((item) => [item.customId, item.status])).toEqual([["a", "succeeded"]]);
  });

  it("refuses to read the results of a batch still in progress", async () => {
    server.setBatchBehavior({ completeAfterPolls: 10 });
    const { id } = await submit([{ customId: "a", request: ask("One") }]);

    const error = await readBatchResults(batch.results(id)).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ParallellmError);
    expect((error as Error).message).toContain(`Batch ${id} has not ended (state JOB_STATE_RUNNING)`);
  });

  it("turns SDK failures into ProviderErrors", async () => {
    const missing = await batch.status("batches/nope").catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(ProviderRequestError);
    expect(missing).toMatchObject({
      statusCode: 404,
      model: undefined,
      providerMessage: "Batch batches/nope not found.",
    });

    const created = server.batchesOf("google").length;
    server.failNext({ status: 429, retryAfterSeconds: 7 });
    const limited = await submit([{ customId: "a", request: ask("x") }]).catch((caught: unknown) => caught);
    expect(limited).toBeInstanceOf(TransientProviderError);
    expect(limited).toMatchObject({ kind: "rate-limited", statusCode: 429, model, retryAfterMs: 7000 });
    expect(server.batchesOf("google")).toHaveLength(created);
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
