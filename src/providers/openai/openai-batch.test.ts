/**
 * What only the OpenAI BatchApi does (the shared behaviour is the contract in
 * test/batch-api-contract.ts): JSONL lines for two endpoints, one endpoint and
 * model per file, the file upload, a batch completed with no output file, a
 * batch failed by validation, and `find` paging through `metadata.pllm_tag`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { inputFile, readBatchResults } from "../../../test/batch-api.js";
import { ParallellmError } from "../../core/errors.js";
import type { LLMRequest } from "../../core/llm.js";
import { type FakeProviderServer, startFakeProviderServer } from "../../testing/index.js";
import type { BatchApi, BatchItem } from "../provider.js";
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
});

const batchOf = (fake: FakeProviderServer = server, api?: "responses" | "chat") =>
  createOpenAIProvider({ client: fake.clientsFor().openai, api }).batch!;

function request(text: string, extra: Partial<LLMRequest> = {}): LLMRequest {
  return { provider: "openai", model, messages: [{ role: "user", content: [{ type: "text", text }] }], ...extra };
}

async function submit(api: BatchApi, items: readonly BatchItem[]) {
  const tag = `test-${++tagCount}`;
  const inputPath = inputFile(items.map((item) => api.inputLine(item)));
  const { id } = await api.submit({ model: items[0].request.model, items, inputPath, tag });
  return { id, tag };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable("expected a failure"),
    (error: unknown) => error,
  );
}

describe("OpenAI batch: input lines and limits", () => {
  it("writes the direct call's body under the endpoint of the provider's API", () => {
    const api = batchOf();
    const responses = request("Hi", { instructions: "Be brief." });
    const chat = request("Hi");
    expect(JSON.parse(api.inputLine({ customId: "r", request: responses }))).toEqual({
      custom_id: "r",
      method: "POST",
      url: "/v1/responses",
      body: toOpenAIResponsesBody(responses),
    });
    expect(JSON.parse(batchOf(server, "chat").inputLine({ customId: "c", request: chat }))).toEqual({
      custom_id: "c",
      method: "POST",
      url: "/v1/chat/completions",
      body: toOpenAIChatBody(chat),
    });
  });

  it("has OpenAI's limits unless the settings lower them", () => {
    expect(batchOf().limits).toEqual({ maxRequests: 50_000, maxBytes: 200 * 1024 * 1024 });
    const client = server.clientsFor().openai;
    expect(createOpenAIProvider({ client, batchLimits: { maxRequests: 1000 } }).batch!.limits).toEqual({
      maxRequests: 1000,
      maxBytes: 200 * 1024 * 1024,
    });
    expect(
      createOpenAIProvider({ client, batchLimits: { maxRequests: undefined, maxBytes: 1_000_000 } }).batch!.limits,
    ).toEqual({ maxRequests: 50_000, maxBytes: 1_000_000 });
  });

  it("refuses a submission that mixes models, before sending anything", async () => {
    const api = batchOf();
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

describe("OpenAI batch: the wire", () => {
  it("uploads the input as a multipart file and creates a chat batch tagged pllm_tag", async () => {
    const api = batchOf(server, "chat");
    const { id, tag } = await submit(api, [{ customId: "a", request: request("Name a colour.") }]);

    const created = server.batchesOf("openai").find((batch) => batch.id === id);
    expect(created?.details).toMatchObject({ endpoint: "/v1/chat/completions", metadata: { pllm_tag: tag } });
    const upload = server.requests.find((entry) => entry.path === "/v1/files");
    expect(upload?.headers["content-type"]).toMatch(/^multipart\/form-data/);
    expect((await api.status(id)).state).toBe("completed");
    const results = await readBatchResults(api.results(id));
    expect(results.items).toMatchObject([{ customId: "a", status: "succeeded" }]);
  });

  it("reads a batch that completed with every request failed (no output file, only an error file)", async () => {
    server.setBatchBehavior({ failRequest: () => 503 });
    const api = batchOf();
    const { id } = await submit(api, [{ customId: "a", request: request("x") }]);

    expect((await api.status(id)).state).toBe("completed");
    const results = await readBatchResults(api.results(id));
    expect(results.items).toMatchObject([{ customId: "a", status: "failed", error: { kind: "overloaded" } }]);
    expect(results.rawLines).toHaveLength(1);
  });

  it("reports a batch that failed validation with the API's reasons", async () => {
    const api = batchOf();
    const item = { customId: "a", request: request("x") };
    const { id } = await api.submit({ model, items: [item], inputPath: inputFile(["{not json"]), tag: "bad-file" });

    const status = await api.status(id);
    expect(status).toMatchObject({ state: "failed", total: 0 });
    expect(status.message).toBe("line 1: This line is not parseable as valid JSON. (invalid_json_line)");
  });
});

describe("OpenAI batch: find", () => {
  it("pages through older batches for the tag, and stops at batches older than a day before createdAfter", async () => {
    const fake = await startFakeProviderServer();
    try {
      const api = batchOf(fake);
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

      fake.resetLog();
      const later = Date.now() + 2 * 86_400_000;
      expect(await api.find("never-submitted", { createdAfter: later, requestCount: 1 })).toBeUndefined();
      expect(fake.requests).toHaveLength(1);
    } finally {
      await fake.close();
    }
  });
});
