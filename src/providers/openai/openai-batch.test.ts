/**
 * The OpenAI BatchApi through the real openai SDK, against the fake provider
 * server's Files and Batch endpoints.
 */
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { inputFile, readBatchResults } from "../../../test/batch-api.js";
import {
  AuthenticationError,
  ParallellmError,
  type ProviderError,
  ProviderRequestError,
  TransientProviderError,
} from "../../core/errors.js";
import type { LLMRequest, LLMResult } from "../../core/llm.js";
import { type FakeProviderServer, startFakeProviderServer } from "../../testing/index.js";
import type { BatchApi, BatchItem, BatchItemResult, BatchState } from "../provider.js";
import { createOpenAIProvider } from "./openai-provider.js";
import { toOpenAIChatBody } from "./to-openai-chat-body.js";
import { toOpenAIResponsesBody } from "./to-openai-responses-body.js";

const model = "gpt-4.1-mini";

let server: FakeProviderServer;
let tagCount = 0;

beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());
afterEach(() => {
  server.setBatchBehavior({});
  server.resetLog();
  vi.unstubAllEnvs();
});

function providerFor(fake: FakeProviderServer = server, api?: "responses" | "chat") {
  return createOpenAIProvider({ client: fake.clientsFor().openai, api });
}
function request(text: string, extra: Partial<LLMRequest> = {}): LLMRequest {
  return { provider: "openai", model, messages: [{ role: "user", content: [{ type: "text", text }] }], ...extra };
}

const weatherTool = {
  name: "get_weather",
  description: "Current weather in a city.",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};
const eventSchema = {
  name: "event",
  jsonSchema: {
    type: "object",
    properties: { day: { type: "string", enum: ["Friday", "Saturday"] }, count: { type: "integer" } },
    required: ["day", "count"],
    additionalProperties: false,
  },
};

async function submit(api: BatchApi, items: readonly BatchItem[]) {
  const tag = `test-${++tagCount}`;
  const inputPath = inputFile(items.map((item) => api.inputLine(item)));
  const { id } = await api.submit({ model: items[0].request.model, items, inputPath, tag });
  return { id, tag };
}

async function pollUntilEnded(api: BatchApi, id: string): Promise<BatchState[]> {
  const states: BatchState[] = [];
  for (let poll = 0; poll < 20; poll++) {
    const status = await api.status(id);
    states.push(status.state);
    if (status.state !== "in-progress") return states;
  }
  throw new Error(`batch ${id} did not end`);
}

function byCustomId(items: readonly BatchItemResult[]): Record<string, BatchItemResult> {
  return Object.fromEntries(items.map((item) => [item.customId, item]));
}

function succeeded(item: BatchItemResult | undefined): LLMResult {
  if (item?.status !== "succeeded") throw new Error(`expected a success, got ${JSON.stringify(item)}`);
  return item.result;
}

function failed(item: BatchItemResult | undefined): ProviderError {
  if (item?.status !== "failed") throw new Error(`expected a failure, got ${JSON.stringify(item)}`);
  return item.error;
}

/** A result without what differs between two answers to the same request (ids). */
function comparable(result: LLMResult): unknown {
  return { ...result, responseId: undefined, toolCalls: result.toolCalls.map((call) => ({ ...call, id: "<id>" })) };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable("expected a failure"),
    (error: unknown) => error,
  );
}

describe("OpenAI batch: input lines and limits", () => {
  it("writes one JSONL line per item with the direct call's body, for the provider's API", () => {
    const api = providerFor().batch!;
    const responses = request("Hi", { instructions: "Be brief.", schema: eventSchema });
    const chat = request("Hi", { tools: [weatherTool] });

    expect(JSON.parse(api.inputLine({ customId: "r", request: responses }))).toEqual({
      custom_id: "r",
      method: "POST",
      url: "/v1/responses",
      body: toOpenAIResponsesBody(responses),
    });
    expect(JSON.parse(providerFor(server, "chat").batch!.inputLine({ customId: "c", request: chat }))).toEqual({
      custom_id: "c",
      method: "POST",
      url: "/v1/chat/completions",
      body: toOpenAIChatBody(chat),
    });
    expect(api.inputLine({ customId: "r", request: responses })).not.toContain("\n");
  });

  it("has OpenAI's limits unless the settings lower them", () => {
    expect(providerFor().batch!.limits).toEqual({ maxRequests: 50_000, maxBytes: 200 * 1024 * 1024 });
    const lowered = createOpenAIProvider({ client: server.clientsFor().openai, batchLimits: { maxRequests: 1000 } });
    expect(lowered.batch!.limits).toEqual({ maxRequests: 1000, maxBytes: 200 * 1024 * 1024 });
    const unset = createOpenAIProvider({
      client: server.clientsFor().openai,
      batchLimits: { maxRequests: undefined, maxBytes: 1_000_000 },
    });
    expect(unset.batch!.limits).toEqual({ maxRequests: 50_000, maxBytes: 1_000_000 });
  });

  it("needs no key until a batch call is made", async () => {
    vi.stubEnv("OPENAI_API_KEY", "");
    const api = createOpenAIProvider({ baseURL: `${server.url}/v1` }).batch!;
    expect(api.inputLine({ customId: "a", request: request("Hi") })).toContain('"custom_id":"a"');
    expect(await failure(api.status("batch_x"))).toBeInstanceOf(AuthenticationError);
    expect(server.requests).toHaveLength(0);
  });

  it("refuses a submission that mixes models, before sending anything", async () => {
    const api = providerFor().batch!;
    const items = [
      { customId: "a", request: request("One") },
      { customId: "b", request: request("Two", { model: "gpt-4.1" }) },
    ];
    const mixed = await failure(submit(api, items));
    expect(mixed).toBeInstanceOf(ParallellmError);
    expect((mixed as Error).message).toMatch(/one model/);
    const otherModel = await failure(
      api.submit({ model: "gpt-4.1", items: [items[0]], inputPath: inputFile([api.inputLine(items[0])]), tag: "t" }),
    );
    expect((otherModel as Error).message).toMatch(/bug in the batch planner/);
    expect(server.requests).toHaveLength(0);
  });
});

describe("OpenAI batch: round trip", () => {
  for (const api of ["responses", "chat"] as const) {
    it(`submits, polls and reads results through ${api === "chat" ? "/v1/chat/completions" : "/v1/responses"}`, async () => {
      server.setBatchBehavior({ completeAfterPolls: 2 });
      server.script({
        provider: "openai",
        match: "Oslo",
        reply: { toolCalls: [{ name: "get_weather", args: { city: "Oslo" } }] },
      });
      const provider = providerFor(server, api);
      const requests = {
        text: request("Name a colour.", { instructions: "Be brief." }),
        schema: request("Extract the event.", { schema: eventSchema }),
        tools: request("Weather in Oslo?", { tools: [weatherTool] }),
      };
      const items = Object.entries(requests).map(([customId, value]) => ({ customId, request: value }));
      const { id, tag } = await submit(provider.batch!, items);

      const [created] = server.batchesOf("openai");
      expect(created.id).toBe(id);
      expect(created.details).toMatchObject({
        endpoint: api === "chat" ? "/v1/chat/completions" : "/v1/responses",
        metadata: { pllm_tag: tag },
      });
      const upload = server.requests.find((entry) => entry.path === "/v1/files");
      expect(upload?.headers["content-type"]).toMatch(/^multipart\/form-data/);

      expect(await provider.batch!.status(id)).toMatchObject({ state: "in-progress", total: 3, finished: 0 });
      expect(await pollUntilEnded(provider.batch!, id)).toEqual(["in-progress", "completed"]);
      expect(await provider.batch!.status(id)).toMatchObject({ state: "completed", total: 3, finished: 3 });

      const results = await readBatchResults(provider.batch!.results(id));
      expect(results.warnings).toEqual([]);
      expect(results.rawLines).toHaveLength(3);
      const answers = byCustomId(results.items);
      expect(Object.keys(answers).sort()).toEqual(["schema", "text", "tools"]);
      for (const [customId, value] of Object.entries(requests)) {
        expect(comparable(succeeded(answers[customId]))).toEqual(comparable(await provider.generate(value)));
      }
      expect(Object.keys(JSON.parse(succeeded(answers.schema).text)).sort()).toEqual(["count", "day"]);
      const tools = succeeded(answers.tools);
      expect(tools.toolCalls).toEqual([
        { id: expect.stringMatching(/^call_/), name: "get_weather", args: { city: "Oslo" } },
      ]);
      expect(tools.finishReason.unified).toBe("tool-calls");
      expect(succeeded(answers.text).usage.inputTokens).toBeGreaterThan(0);
    });
  }
});

describe("OpenAI batch: partial outcomes", () => {
  it("reports per-request failures as failed items with status, message and request id", async () => {
    server.setBatchBehavior({
      failRequest: ({ customId }) => ({ b: 500, c: 400 })[customId as "b" | "c"],
    });
    const api = providerFor().batch!;
    const { id } = await submit(
      api,
      ["a", "b", "c"].map((customId) => ({ customId, request: request(customId) })),
    );
    await pollUntilEnded(api, id);
    const items = byCustomId((await readBatchResults(api.results(id))).items);

    expect(succeeded(items.a).text).toMatch(/^Answer to: a/);
    const serverError = failed(items.b);
    expect(serverError).toBeInstanceOf(TransientProviderError);
    expect(serverError).toMatchObject({
      kind: "server",
      provider: "openai",
      model,
      statusCode: 500,
      providerMessage: "The server had an error while processing your request. Sorry about that!",
    });
    expect(serverError.requestId).toMatch(/^req_/);
    expect(failed(items.c)).toBeInstanceOf(ProviderRequestError);
  });

  it("reads a batch that completed with every request failed (no output file)", async () => {
    server.setBatchBehavior({ failRequest: () => 503 });
    const api = providerFor().batch!;
    const { id } = await submit(api, [{ customId: "a", request: request("x") }]);

    expect(await pollUntilEnded(api, id)).toEqual(["completed"]);
    const results = await readBatchResults(api.results(id));
    expect(failed(results.items[0])).toMatchObject({ kind: "overloaded", statusCode: 503 });
    expect(results.rawLines).toHaveLength(1);
  });

  it("reads an expired batch: finished requests succeed, the rest are expired", async () => {
    server.setBatchBehavior({ outcome: "expired", finishedBeforeEnd: 1 });
    const api = providerFor().batch!;
    const { id } = await submit(
      api,
      ["a", "b", "c"].map((customId) => ({ customId, request: request(customId) })),
    );

    expect(await pollUntilEnded(api, id)).toEqual(["expired"]);
    expect(await api.status(id)).toMatchObject({ state: "expired", total: 3, finished: 3 });
    const items = byCustomId((await readBatchResults(api.results(id))).items);
    expect(succeeded(items.a).text).toMatch(/^Answer to: a/);
    expect(items.b).toEqual({ customId: "b", status: "expired" });
    expect(items.c).toEqual({ customId: "c", status: "expired" });
  });

  it("cancels: the batch ends cancelled and unprocessed requests come back cancelled", async () => {
    server.setBatchBehavior({ completeAfterPolls: 10, finishedBeforeEnd: 0 });
    const api = providerFor().batch!;
    const { id } = await submit(api, [{ customId: "a", request: request("x") }]);

    await api.cancel(id);
    expect(await pollUntilEnded(api, id)).toEqual(["cancelled"]);
    expect((await readBatchResults(api.results(id))).items).toEqual([{ customId: "a", status: "cancelled" }]);
  });

  it("reports a batch that failed validation with the API's reasons, and no results", async () => {
    const api = providerFor().batch!;
    const item = { customId: "a", request: request("x") };
    const { id } = await api.submit({ model, items: [item], inputPath: inputFile(["{not json"]), tag: "bad-file" });

    const status = await api.status(id);
    expect(status).toMatchObject({ state: "failed", total: 0 });
    expect(status.message).toBe("line 1: This line is not parseable as valid JSON. (invalid_json_line)");
    expect(await readBatchResults(api.results(id))).toEqual({ items: [], rawLines: [], warnings: [] });
  });

  it("refuses to read results before the batch has ended", async () => {
    server.setBatchBehavior({ completeAfterPolls: 5 });
    const api = providerFor().batch!;
    const { id } = await submit(api, [{ customId: "a", request: request("x") }]);
    const error = await failure(readBatchResults(api.results(id)));

    expect(error).toBeInstanceOf(ParallellmError);
    expect((error as Error).message).toMatch(/has not ended/);
  });
});

describe("OpenAI batch: find", () => {
  it("finds a batch whose id was lost by its tag, paging through older batches", async () => {
    const fake = await startFakeProviderServer();
    try {
      const api = providerFor(fake).batch!;
      const createdAfter = Date.now();
      const { id, tag } = await submit(api, [{ customId: "a", request: request("x") }]);
      // 100 newer batches push it to the second page of the list.
      const { openai } = fake.clientsFor();
      const [input] = fake.batchesOf("openai");
      for (let index = 0; index < 100; index++) {
        await openai.batches.create({
          input_file_id: String(input.details.inputFileId),
          endpoint: "/v1/responses",
          completion_window: "24h",
          metadata: { pllm_tag: `other-${index}` },
        });
      }
      fake.resetLog();

      expect(await api.find(tag, { createdAfter, requestCount: 1 })).toBe(id);
      expect(fake.requests.filter((entry) => entry.path.startsWith("/v1/batches?"))).toHaveLength(2);
      expect(await api.find("never-submitted", { createdAfter, requestCount: 1 })).toBeUndefined();
    } finally {
      await fake.close();
    }
  });

  it("stops paging at batches older than a day before createdAfter", async () => {
    const fake = await startFakeProviderServer();
    try {
      const api = providerFor(fake).batch!;
      await submit(api, [{ customId: "a", request: request("x") }]);
      fake.resetLog();

      expect(await api.find("never-submitted", { createdAfter: Date.now() + 2 * 86_400_000, requestCount: 1 })).toBe(
        undefined,
      );
      expect(fake.requests).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });
});

describe("OpenAI batch: errors", () => {
  it("classifies SDK errors: unknown batch, rate limit on upload, wrong key", async () => {
    const api = providerFor().batch!;
    const missing = await failure(api.status("batch_missing"));
    expect(missing).toBeInstanceOf(ProviderRequestError);
    expect(missing).toMatchObject({ statusCode: 404 });

    server.resetLog();
    server.failNext({ status: 429, retryAfterSeconds: 3 });
    // A client with the SDK's default of 2 retries: the adapter turns them off.
    const client = new OpenAI({ apiKey: "sk-fake", baseURL: `${server.url}/v1` });
    const retrying = createOpenAIProvider({ client }).batch!;
    const limited = await failure(submit(retrying, [{ customId: "a", request: request("x") }]));
    expect(limited).toBeInstanceOf(TransientProviderError);
    expect(limited).toMatchObject({ kind: "rate-limited", model, retryAfterMs: 3000 });
    expect(server.requests.map((entry) => entry.path)).toEqual(["/v1/files"]);

    const locked = await startFakeProviderServer({ apiKeys: { openai: "sk-right-key-0000" } });
    try {
      const wrongKey = createOpenAIProvider({ apiKey: "sk-wrong-key-1111", baseURL: `${locked.url}/v1` }).batch!;
      const denied = await failure(wrongKey.cancel("batch_x"));
      expect(denied).toBeInstanceOf(AuthenticationError);
      expect((denied as Error).message).not.toContain("wrong-key");
    } finally {
      await locked.close();
    }
  });
});
