import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { inputFile, readBatchResults } from "../../../test/batch-api.js";
import {
  AuthenticationError,
  ParallellmError,
  ProviderError,
  ProviderRequestError,
  TransientProviderError,
} from "../../core/errors.js";
import type { LLMRequest } from "../../core/llm.js";
import { type FakeProviderServer, startFakeProviderServer } from "../../testing/index.js";
import type { BatchApi, BatchItem, BatchItemResult, Provider } from "../provider.js";
import { createAnthropicProvider } from "./anthropic-provider.js";
import { toAnthropicBody } from "./to-anthropic-body.js";

const model = "claude-sonnet-4-6";
const citySchema = {
  type: "object",
  properties: { city: { type: "string" }, population: { type: "integer" } },
  required: ["city", "population"],
  additionalProperties: false,
};
const weatherTool = {
  name: "get_weather",
  description: "Weather for a city",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

let server: FakeProviderServer;
let provider: Provider;
let batch: BatchApi;

beforeAll(async () => {
  server = await startFakeProviderServer();
  provider = createAnthropicProvider({ client: server.clientsFor().anthropic });
  batch = provider.batch!;
});
afterAll(() => server.close());
afterEach(() => {
  server.setBatchBehavior({});
  vi.useRealTimers();
});

function ask(text: string, extra: Partial<LLMRequest> = {}): LLMRequest {
  return { provider: "anthropic", model, messages: [{ role: "user", content: [{ type: "text", text }] }], ...extra };
}

function items(count: number, prefix = "call"): BatchItem[] {
  return Array.from({ length: count }, (_, index) => ({
    customId: `${prefix}-${index}`,
    request: ask(`Question ${prefix} ${index}`),
  }));
}

async function submit(batchItems: readonly BatchItem[]): Promise<string> {
  const inputPath = inputFile(batchItems.map((item) => batch.inputLine(item)));
  const { id } = await batch.submit({ model, items: batchItems, inputPath, tag: "tag-1" });
  return id;
}

async function untilCompleted(id: string): Promise<void> {
  for (let poll = 0; poll < 20; poll++) {
    if ((await batch.status(id)).state === "completed") return;
  }
  throw new Error(`batch ${id} did not complete`);
}

function byId(results: readonly BatchItemResult[]): Record<string, BatchItemResult> {
  return Object.fromEntries(results.map((result) => [result.customId, result]));
}

function succeeded(result: BatchItemResult | undefined) {
  if (result?.status !== "succeeded") throw new Error(`expected a success, got ${result?.status}`);
  return result.result;
}

describe("Anthropic BatchApi: shape", () => {
  it("has Anthropic's limits, overridable through batchLimits", () => {
    expect(batch.limits).toEqual({ maxRequests: 100_000, maxBytes: 256 * 1024 * 1024 });
    const small = createAnthropicProvider({ batchLimits: { maxRequests: 500 } }).batch!;
    expect(small.limits).toEqual({ maxRequests: 500, maxBytes: 256 * 1024 * 1024 });
  });

  it("writes an input line as custom_id plus the Messages body", () => {
    const request = ask("Hi", { schema: { name: "city", jsonSchema: citySchema }, options: { maxTokens: 50 } });
    expect(JSON.parse(batch.inputLine({ customId: "a-1", request }))).toEqual({
      custom_id: "a-1",
      params: toAnthropicBody(request),
    });
  });

  it("needs no key until a batch call, then says which variable to set", async () => {
    vi.stubEnv("ANTHROPIC_API_KEY", "");
    try {
      const keyless = createAnthropicProvider().batch!;
      expect(keyless.inputLine({ customId: "a", request: ask("Hi") })).toContain('"custom_id":"a"');
      const error = await keyless.status("msgbatch_x").catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AuthenticationError);
      expect((error as Error).message).toContain("ANTHROPIC_API_KEY");
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe("Anthropic BatchApi against the fake server", () => {
  it("round-trips text, structured output and tool calls, equal to direct calls", async () => {
    server.script({
      provider: "anthropic",
      match: "weather",
      reply: { toolCalls: [{ name: "get_weather", args: { city: "Oslo" } }] },
    });
    server.setBatchBehavior({ completeAfterPolls: 1 });
    const requests: Record<string, LLMRequest> = {
      plain: ask("Say hello."),
      structured: ask("Biggest city in Norway?", { schema: { name: "city", jsonSchema: citySchema } }),
      tool: ask("What is the weather in Oslo?", { tools: [weatherTool] }),
    };
    const batchItems = Object.entries(requests).map(([customId, request]) => ({ customId, request }));
    const id = await submit(batchItems);

    expect(id).toMatch(/^msgbatch_/);
    const sent = server.requests.at(-1)!;
    expect(sent).toMatchObject({ method: "POST", path: "/v1/messages/batches" });
    expect(sent.body).toEqual({
      requests: batchItems.map((item) => ({ custom_id: item.customId, params: toAnthropicBody(item.request) })),
    });
    expect(await batch.status(id)).toMatchObject({ state: "in-progress", total: 3 });
    await untilCompleted(id);
    expect(await batch.status(id)).toMatchObject({ state: "completed", total: 3, finished: 3 });

    const results = await readBatchResults(batch.results(id));
    expect(results.warnings).toEqual([]);
    expect(results.rawLines).toHaveLength(3);
    expect(results.rawLines.map((line) => JSON.parse(line).custom_id).sort()).toEqual(["plain", "structured", "tool"]);
    const outcomes = byId(results.items);
    for (const [customId, request] of Object.entries(requests)) {
      const direct = await provider.generate(request);
      const result = succeeded(outcomes[customId]);
      expect({
        ...result,
        responseId: undefined,
        toolCalls: result.toolCalls.map(({ id: _id, ...call }) => call),
      }).toEqual({ ...direct, responseId: undefined, toolCalls: direct.toolCalls.map(({ id: _id, ...call }) => call) });
      expect(result.responseId).toMatch(/^msg_01/);
    }
    const city = JSON.parse(succeeded(outcomes["structured"]).text);
    expect(typeof city.city).toBe("string");
    expect(Number.isInteger(city.population)).toBe(true);
    const tool = succeeded(outcomes["tool"]);
    expect(tool.finishReason).toEqual({ unified: "tool-calls", raw: "tool_use" });
    expect(tool.toolCalls).toEqual([
      { id: expect.stringMatching(/^toolu_01/), name: "get_weather", args: { city: "Oslo" } },
    ]);
    expect(tool.usage.inputTokens).toBeGreaterThan(0);
  });

  it("returns per-request failures as classified ProviderErrors", async () => {
    server.setBatchBehavior({ failRequest: ({ customId }) => ({ "call-1": 529, "call-2": 400 })[customId] });
    const id = await submit(items(3));
    await untilCompleted(id);
    const outcomes = byId((await readBatchResults(batch.results(id))).items);

    expect(outcomes["call-0"]?.status).toBe("succeeded");
    const overloaded = outcomes["call-1"];
    if (overloaded?.status !== "failed") throw new Error("expected call-1 to fail");
    expect(overloaded.error).toBeInstanceOf(TransientProviderError);
    expect(overloaded.error).toMatchObject({
      provider: "anthropic",
      kind: "overloaded",
      statusCode: 529,
      providerMessage: "Overloaded",
      requestId: expect.stringMatching(/^req_011C/),
      isRetryable: true,
    });
    const rejected = outcomes["call-2"];
    if (rejected?.status !== "failed") throw new Error("expected call-2 to fail");
    expect(rejected.error).toBeInstanceOf(ProviderRequestError);
    expect(rejected.error).toMatchObject({ statusCode: 400, isRetryable: false });
  });

  it("reports an expired batch as completed, with partial results and the rest expired", async () => {
    server.setBatchBehavior({ outcome: "expired", finishedBeforeEnd: 1 });
    const id = await submit(items(3));
    await untilCompleted(id);
    const outcomes = byId((await readBatchResults(batch.results(id))).items);
    expect(outcomes["call-0"]?.status).toBe("succeeded");
    expect(outcomes["call-1"]).toEqual({ customId: "call-1", status: "expired" });
    expect(outcomes["call-2"]).toEqual({ customId: "call-2", status: "expired" });
  });

  it("cancels: the batch ends, unprocessed requests come back cancelled", async () => {
    server.setBatchBehavior({ completeAfterPolls: 10, finishedBeforeEnd: 0 });
    const id = await submit(items(2));
    await batch.cancel(id);
    expect(server.requests.at(-1)).toMatchObject({ method: "POST", path: `/v1/messages/batches/${id}/cancel` });
    expect((await batch.status(id)).state).toBe("completed");
    const { items: outcomes } = await readBatchResults(batch.results(id));
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["cancelled", "cancelled"]);
  });

  it("refuses results before the batch has ended", async () => {
    server.setBatchBehavior({ completeAfterPolls: 10 });
    const id = await submit(items(1));
    const error = await readBatchResults(batch.results(id)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ParallellmError);
    expect(error).not.toBeInstanceOf(ProviderError);
    expect((error as Error).message).toMatch(/has no results yet \(processing_status "in_progress"\)/);
  });

  it("turns SDK failures into ProviderErrors: an unknown id, a refused batch", async () => {
    const missing = await batch.status("msgbatch_nope").catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(ProviderRequestError);
    expect(missing).toMatchObject({ statusCode: 404, requestId: expect.stringMatching(/^req_/) });

    const refused = await submit([
      { customId: "bad", request: ask("Hi", { providerOptions: { temperature: 0.5 } }) },
    ]).catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(ProviderRequestError);
    expect(refused).toMatchObject({ model, statusCode: 400 });
    expect((refused as ProviderError).providerMessage).toMatch(/^requests\.0\.params\.temperature: Extra inputs/);
  });
});

describe("Anthropic BatchApi find (no tag: creation time and request count)", () => {
  // The server is shared with the other tests: these batches are made "a day
  // from now" (only Date is faked), so every earlier batch is too old to match.
  const tomorrow = Date.now() + 24 * 60 * 60 * 1000;

  async function submitAt(time: number, count: number, prefix: string): Promise<string> {
    vi.useFakeTimers({ toFake: ["Date"], now: time });
    try {
      return await submit(items(count, prefix));
    } finally {
      vi.useRealTimers();
    }
  }

  it("finds the unknown batch of that size created closest to createdAfter, allowing a minute of clock skew", async () => {
    const start = tomorrow;
    const old = await submitAt(start - 10 * 60_000, 5, "old");
    const skewed = await submitAt(start - 30_000, 2, "skewed");
    const first = await submitAt(start, 3, "first");
    const second = await submitAt(start + 1000, 3, "second");
    await submitAt(start + 2000, 4, "other");

    expect(await batch.find("tag", { createdAfter: start, requestCount: 3 })).toBe(first);
    // A batch the store already recorded for another intent is never the answer.
    expect(await batch.find("tag", { createdAfter: start, requestCount: 3, exclude: new Set([first]) })).toBe(second);
    expect(await batch.find("tag", { createdAfter: start, requestCount: 2 })).toBe(skewed);
    expect(await batch.find("tag", { createdAfter: start, requestCount: 6 })).toBeUndefined();
    // Created more than a minute before createdAfter: not this submission, whatever its size.
    expect(await batch.find("tag", { createdAfter: start, requestCount: 5 })).toBeUndefined();
    expect(await batch.find("tag", { createdAfter: start - 10 * 60_000, requestCount: 5 })).toBe(old);
    expect(await batch.find("tag", { createdAfter: start + 62_000, requestCount: 3 })).toBeUndefined();
  });

  it("pages through the list and stops at the first batch that is too old", async () => {
    const start = tomorrow + 60 * 60_000;
    for (let index = 0; index < 120; index++) await submitAt(start, 1, `new${index}`);

    server.resetLog();
    // Only the 120 new batches qualify: the second page reaches older ones and the search stops there.
    expect(await batch.find("tag", { createdAfter: start, requestCount: 2 })).toBeUndefined();
    expect(server.requests.map((request) => request.path)).toEqual([
      "/v1/messages/batches?limit=100",
      expect.stringMatching(/^\/v1\/messages\/batches\?limit=100&after_id=msgbatch_/),
    ]);
  });
});

describe("Anthropic BatchApi results: a hostile results file", () => {
  it("archives every line, skips unreadable ones with warnings, never throws", async () => {
    const good = JSON.stringify({ custom_id: "good", result: { type: "expired" } });
    const jsonl = [
      good,
      "{not json",
      JSON.stringify({ result: { type: "canceled" } }),
      JSON.stringify({ custom_id: "odd", result: { type: "paused" } }),
      "",
    ].join("\n");
    const stub = await startStub(jsonl);
    try {
      const api = createAnthropicProvider({ apiKey: "sk-ant-stub", baseURL: stub.url }).batch!;
      const results = await readBatchResults(api.results("msgbatch_stub"));
      expect(results.items).toEqual([{ customId: "good", status: "expired" }]);
      expect(results.rawLines).toHaveLength(4);
      expect(results.warnings).toEqual([
        expect.stringMatching(/^\[anthropic\] Batch msgbatch_stub, result line 2: not valid JSON/),
        expect.stringMatching(/line 3: no custom_id/),
        expect.stringMatching(/line 4: custom_id "odd" has no known result type/),
      ]);
      expect(stub.paths).toEqual(["/v1/messages/batches/msgbatch_stub", "/v1/messages/batches/msgbatch_stub/results"]);
    } finally {
      await stub.close();
    }
  });
});

/** A loopback stub: an ended batch whose results file is `jsonl`, which the SDK's own decoder would throw on. */
async function startStub(jsonl: string) {
  const paths: string[] = [];
  const http = createServer((request, response) => {
    paths.push(request.url ?? "");
    const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    if (request.url?.endsWith("/results")) {
      response.writeHead(200, { "content-type": "application/binary" });
      response.end(jsonl);
      return;
    }
    response.writeHead(200, { "content-type": "application/json" });
    response.end(
      JSON.stringify({
        id: "msgbatch_stub",
        type: "message_batch",
        processing_status: "ended",
        request_counts: { processing: 0, succeeded: 0, errored: 0, canceled: 1, expired: 1 },
        results_url: `${origin}/v1/messages/batches/msgbatch_stub/results`,
      }),
    );
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    paths,
    close: () => new Promise((resolve) => http.close(resolve)),
  };
}
