/**
 * What only the Anthropic BatchApi does (the shared behaviour is the contract
 * in test/batch-api-contract.ts): inline requests as `custom_id` + a Messages
 * body, a batch refused at creation, and `find` without a tag (creation time
 * and request count).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { inputFile } from "../../../test/batch-api.js";
import { type ProviderError, ProviderRequestError } from "../../core/errors.js";
import type { LLMRequest } from "../../core/llm.js";
import { type FakeProviderServer, startFakeProviderServer } from "../../testing/index.js";
import type { BatchApi, BatchItem } from "../provider.js";
import { createAnthropicProvider } from "./anthropic-provider.js";
import { toAnthropicBody } from "./to-anthropic-body.js";

const model = "claude-sonnet-4-6";
const citySchema = {
  type: "object",
  properties: { city: { type: "string" }, population: { type: "integer" } },
  required: ["city", "population"],
  additionalProperties: false,
};

let server: FakeProviderServer;
let batch: BatchApi;

beforeAll(async () => {
  server = await startFakeProviderServer();
  batch = createAnthropicProvider({ client: server.clientsFor().anthropic }).batch!;
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

describe("Anthropic BatchApi: the wire", () => {
  it("has Anthropic's limits, overridable through batchLimits", () => {
    expect(batch.limits).toEqual({ maxRequests: 100_000, maxBytes: 256 * 1024 * 1024 });
    const small = createAnthropicProvider({ batchLimits: { maxRequests: 500 } }).batch!;
    expect(small.limits).toEqual({ maxRequests: 500, maxBytes: 256 * 1024 * 1024 });
  });

  it("sends each archived line inline: custom_id plus the Messages body", async () => {
    const request = ask("Hi", { schema: { name: "city", jsonSchema: citySchema }, options: { maxTokens: 50 } });
    const batchItems = [{ customId: "a-1", request }, ...items(1)];
    expect(JSON.parse(batch.inputLine(batchItems[0]))).toEqual({ custom_id: "a-1", params: toAnthropicBody(request) });

    const id = await submit(batchItems);

    expect(id).toMatch(/^msgbatch_/);
    const sent = server.requests.at(-1)!;
    expect(sent).toMatchObject({ method: "POST", path: "/v1/messages/batches" });
    expect(sent.body).toEqual({
      requests: batchItems.map((item) => ({ custom_id: item.customId, params: toAnthropicBody(item.request) })),
    });
  });

  it("turns a batch refused at creation into a ProviderRequestError with the API's words", async () => {
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
