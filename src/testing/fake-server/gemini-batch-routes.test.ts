import { ApiError, type GoogleGenAI, GoogleGenAI as GoogleGenAIClient, type InlinedRequest, Type } from "@google/genai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeEmbedding, fakeTokens } from "./fake-embedding.js";
import { startFakeProviderServer } from "./fake-provider-server.js";
import type { FakeProviderServer } from "./fake-server-types.js";

const model = "gemini-2.5-flash";
const nanoTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/;

let server: FakeProviderServer;
let google: GoogleGenAI;

beforeEach(async () => {
  server = await startFakeProviderServer();
  google = server.clientsFor().google as GoogleGenAI;
});
afterEach(() => server.close());

function ask(key: string, text: string): InlinedRequest {
  return { contents: [{ role: "user", parts: [{ text }] }], metadata: { key } };
}

/** Creates a batch of `requests` through the SDK and returns its name. */
async function createBatch(requests: InlinedRequest[], displayName = "test-batch"): Promise<string> {
  const job = await google.batches.create({ model, src: requests, config: { displayName } });
  return job.name!;
}

/** The Operation fields these tests read. */
interface RawOperation {
  readonly name: string;
  readonly done?: boolean;
  readonly metadata: {
    readonly createTime: string;
    readonly batchStats: Readonly<Record<string, string>>;
    readonly output?: { readonly inlinedResponses: { readonly inlinedResponses: readonly unknown[] } };
  };
  readonly response?: { readonly "@type": string; readonly inlinedResponses: unknown };
  readonly error?: unknown;
}

/** The raw Operation JSON, as the API sends it (the SDK hides `batchStats`, `response` and `error`). */
async function rawOperation(name: string, version = "v1beta"): Promise<RawOperation> {
  const response = await fetch(`${server.url}/${version}/${name}`, { headers: { "x-goog-api-key": "fake" } });
  return (await response.json()) as RawOperation;
}

async function caught(promise: Promise<unknown>): Promise<{ status: number; error: Record<string, unknown> }> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
  return { status: error.status, error: JSON.parse(error.message).error };
}

/**
 * The text of an inlined response. The SDK types it as a GenerateContentResponse,
 * but it is a plain object: the `text` and `functionCalls` getters are missing.
 */
function textOf(response: { candidates?: { content?: { parts?: { text?: string }[] } }[] } | undefined): string {
  return (response?.candidates?.[0]?.content?.parts ?? []).map((part) => part.text ?? "").join("");
}

/** The parts of a GenerateContentResponse that must not differ between a direct call and a batch. */
function answerOf(response: { candidates?: unknown; usageMetadata?: unknown; modelVersion?: unknown } | undefined) {
  return {
    candidates: response?.candidates,
    usageMetadata: response?.usageMetadata,
    modelVersion: response?.modelVersion,
  };
}

describe("Gemini batchGenerateContent", () => {
  it("creates a pending batch shaped like the fixture Operation", async () => {
    const job = await google.batches.create({
      model,
      src: [ask("request-1", "Capital of France?"), ask("request-2", "Capital of Japan?")],
      config: { displayName: "capitals-batch" },
    });

    expect(job).toMatchObject({
      displayName: "capitals-batch",
      state: "JOB_STATE_PENDING",
      model: `models/${model}`,
    });
    expect(job.name).toMatch(/^batches\/[0-9a-z]+$/);
    expect(job.dest).toBeUndefined();
    const created = server.requests.at(-1)!;
    expect(created).toMatchObject({
      method: "POST",
      path: `/v1beta/models/${model}:batchGenerateContent`,
      status: 200,
    });
    expect(created.body).toEqual({
      batch: {
        displayName: "capitals-batch",
        inputConfig: {
          requests: {
            requests: [
              {
                request: { contents: [{ role: "user", parts: [{ text: "Capital of France?" }] }] },
                metadata: { key: "request-1" },
              },
              {
                request: { contents: [{ role: "user", parts: [{ text: "Capital of Japan?" }] }] },
                metadata: { key: "request-2" },
              },
            ],
          },
        },
      },
    });
  });

  it("answers the documented snake_case REST body with the Operation: string counts, nanosecond times, not done", async () => {
    const response = await fetch(`${server.url}/v1beta/models/${model}:batchGenerateContent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": "fake" },
      body: JSON.stringify({
        batch: {
          display_name: "my-batch-requests",
          input_config: {
            requests: {
              requests: [
                {
                  request: { contents: [{ parts: [{ text: "Describe photosynthesis." }] }] },
                  metadata: { key: "request-1" },
                },
                {
                  request: {
                    contents: [{ parts: [{ text: "Margherita?" }] }],
                    generation_config: { temperature: 0.7 },
                  },
                  metadata: { key: "request-2" },
                },
              ],
            },
          },
        },
      }),
    });
    const operation = (await response.json()) as RawOperation;

    expect(response.status).toBe(200);
    expect(Object.keys(operation)).toEqual(["name", "metadata"]);
    expect(operation.metadata).toEqual({
      "@type": "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatch",
      model: `models/${model}`,
      displayName: "my-batch-requests",
      createTime: expect.stringMatching(nanoTime),
      updateTime: operation.metadata.createTime,
      batchStats: { requestCount: "2", pendingRequestCount: "2" },
      state: "BATCH_STATE_PENDING",
      name: operation.name,
    });
  });

  it("polls RUNNING until completeAfterPolls, then SUCCEEDED with the output in input order", async () => {
    server.setBatchBehavior({ completeAfterPolls: 2 });
    const name = await createBatch([ask("b", "Second letter"), ask("a", "First letter"), ask("c", "Third letter")]);

    expect((await google.batches.get({ name })).state).toBe("JOB_STATE_RUNNING");
    expect((await google.batches.get({ name })).state).toBe("JOB_STATE_RUNNING");
    const done = await google.batches.get({ name });

    expect(done.state).toBe("JOB_STATE_SUCCEEDED");
    expect(done.endTime).toMatch(nanoTime);
    expect(done.updateTime).toBe(done.endTime);
    const responses = done.dest!.inlinedResponses!;
    expect(responses.map((item) => item.metadata)).toEqual([{ key: "b" }, { key: "a" }, { key: "c" }]);
    expect(textOf(responses[0].response)).toMatch(/^Answer to: Second letter \[[0-9a-f]{8}\]$/);
    expect(textOf(responses[1].response)).toMatch(/^Answer to: First letter/);

    const raw = await rawOperation(name);
    expect(raw.done).toBe(true);
    expect(raw.metadata).toMatchObject({
      state: "BATCH_STATE_SUCCEEDED",
      batchStats: { requestCount: "3", successfulRequestCount: "3" },
      endTime: expect.stringMatching(nanoTime),
    });
    expect(raw.metadata.batchStats.pendingRequestCount).toBeUndefined();
    expect(raw.response?.["@type"]).toBe(
      "type.googleapis.com/google.ai.generativelanguage.v1main.GenerateContentBatchOutput",
    );
    expect(raw.response?.inlinedResponses).toEqual(raw.metadata.output?.inlinedResponses);
    expect(raw.metadata.output?.inlinedResponses.inlinedResponses).toHaveLength(3);
  });

  it("answers each request exactly as :generateContent answers it (text, structured output, tool calls)", async () => {
    server.script({
      provider: "google",
      match: "100/2",
      reply: { toolCalls: [{ name: "customDivide", args: { numerator: 100, denominator: 2 } }] },
    });
    const divide = {
      name: "customDivide",
      parameters: { type: Type.OBJECT, properties: { numerator: { type: Type.NUMBER } } },
    };
    const requests: InlinedRequest[] = [
      { contents: "high", config: { systemInstruction: "I say high you say low", temperature: 0.2 } },
      {
        contents: "populate the object",
        config: {
          responseMimeType: "application/json",
          responseJsonSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
        },
      },
      { contents: "what is the result of 100/2", config: { tools: [{ functionDeclarations: [divide] }] } },
    ];
    const direct = [];
    for (const { contents, config } of requests)
      direct.push(await google.models.generateContent({ model, contents: contents!, config }));

    const name = await createBatch(requests.map((request, index) => ({ ...request, metadata: { key: `k${index}` } })));
    const batched = (await google.batches.get({ name })).dest!.inlinedResponses!;

    expect(batched.map((item) => answerOf(item.response))).toEqual(direct.map(answerOf));
    expect(JSON.parse(textOf(batched[1].response))).toEqual({ name: expect.any(String) });
    expect(batched[2].response!.candidates![0].content!.parts).toEqual([
      { functionCall: { name: "customDivide", args: { numerator: 100, denominator: 2 } } },
    ]);
  });

  it("fails single requests with a Status in place of the response", async () => {
    server.setBatchBehavior({ failRequest: ({ customId }) => (customId === "bad" ? 500 : undefined) });
    const name = await createBatch([ask("good", "Hi"), ask("bad", "Hi there")]);

    const [good, bad] = (await google.batches.get({ name })).dest!.inlinedResponses!;

    expect(textOf(good.response)).toMatch(/^Answer to: Hi/);
    expect(bad).toEqual({
      metadata: { key: "bad" },
      error: { code: 500, message: expect.any(String), status: "INTERNAL" },
    });
    expect((await rawOperation(name)).metadata.batchStats).toEqual({
      requestCount: "2",
      successfulRequestCount: "1",
      failedRequestCount: "1",
    });
  });

  it("refuses the whole batch when one request is invalid, and file input", async () => {
    const invalid = await caught(
      google.batches.create({
        model,
        src: [ask("ok", "Hi"), { contents: [{ role: "assistant", parts: [{ text: "x" }] }] }],
      }),
    );
    expect(invalid.status).toBe(400);
    expect(invalid.error).toMatchObject({ status: "INVALID_ARGUMENT" });
    expect(invalid.error.message).toContain("requests[1].request: Please use a valid role: user, model.");

    const file = await caught(google.batches.create({ model, src: "files/123456" }));
    expect(file.status).toBe(400);
    expect(file.error.message).toContain("not supported by the fake server");
    expect(server.batchesOf("google")).toHaveLength(0);
  });

  it("an expired batch has no results at all", async () => {
    server.setBatchBehavior({ outcome: "expired", finishedBeforeEnd: 1 });
    const name = await createBatch([ask("a", "One"), ask("b", "Two")]);

    const job = await google.batches.get({ name });

    expect(job.state).toBe("JOB_STATE_EXPIRED");
    expect(job.dest).toBeUndefined();
    const raw = await rawOperation(name);
    expect(raw).toMatchObject({
      done: true,
      metadata: { batchStats: { requestCount: "2", pendingRequestCount: "2" } },
    });
    expect(raw.response).toBeUndefined();
    expect(raw.error).toBeUndefined();
  });

  it("a failed batch ends with an Operation error and no output", async () => {
    server.setBatchBehavior({ outcome: "failed" });
    const name = await createBatch([ask("a", "One")]);

    expect((await google.batches.get({ name })).state).toBe("JOB_STATE_FAILED");
    const raw = await rawOperation(name);
    expect(raw.error).toMatchObject({ code: 13 });
    expect(raw.metadata.output).toBeUndefined();
  });

  it("cancel stops the batch; the results of processed requests stay", async () => {
    server.setBatchBehavior({ completeAfterPolls: 5, finishedBeforeEnd: 1 });
    const name = await createBatch([ask("a", "One"), ask("b", "Two"), ask("c", "Three")]);
    expect((await google.batches.get({ name })).state).toBe("JOB_STATE_RUNNING");

    await google.batches.cancel({ name });
    const job = await google.batches.get({ name });

    expect(server.requests.find((request) => request.path.endsWith(":cancel"))).toMatchObject({
      method: "POST",
      path: `/v1beta/${name}:cancel`,
      body: {},
      status: 200,
    });
    expect(job.state).toBe("JOB_STATE_CANCELLED");
    expect(job.dest!.inlinedResponses!.map((item) => item.metadata?.key)).toEqual(["a"]);
    expect((await rawOperation(name)).metadata.batchStats).toEqual({
      requestCount: "3",
      pendingRequestCount: "2",
      successfulRequestCount: "1",
    });
  });

  it("cancelled before anything was processed: the Operation carries the cancellation error", async () => {
    server.setBatchBehavior({ completeAfterPolls: 5, finishedBeforeEnd: 0 });
    const name = await createBatch([ask("a", "One")]);
    await google.batches.cancel({ name });

    expect((await google.batches.get({ name })).dest).toBeUndefined();
    expect((await rawOperation(name)).error).toEqual({ code: 1, message: "Batch was cancelled." });
  });

  it("lists newest first across pages, with display names and without inlined responses", async () => {
    const first = await createBatch([ask("a", "One")], "tag-first");
    const second = await createBatch([ask("a", "Two")], "tag-second");
    const third = await createBatch([ask("a", "Three")], "tag-third");
    await google.batches.get({ name: first });

    const listed = [];
    for await (const job of await google.batches.list({ config: { pageSize: 2 } })) listed.push(job);

    expect(listed.map((job) => [job.name, job.displayName])).toEqual([
      [third, "tag-third"],
      [second, "tag-second"],
      [first, "tag-first"],
    ]);
    expect(listed[2]).toMatchObject({ state: "JOB_STATE_SUCCEEDED" });
    expect(listed[2].dest).toBeUndefined();
    const pages = server.requests.filter((request) => request.path.startsWith("/v1beta/batches?"));
    expect(pages.map((request) => request.path)).toEqual([
      "/v1beta/batches?pageSize=2",
      "/v1beta/batches?pageSize=2&pageToken=2",
    ]);
  });

  it("delete removes the batch from get and list", async () => {
    const name = await createBatch([ask("a", "One")]);
    await google.batches.delete({ name });

    expect((await caught(google.batches.get({ name }))).status).toBe(404);
    const listed = [];
    for await (const job of await google.batches.list()) listed.push(job);
    expect(listed).toEqual([]);
  });

  it("serves the v1 prefix too", async () => {
    const v1 = new GoogleGenAIClient({ apiKey: "fake", httpOptions: { baseUrl: server.url, apiVersion: "v1" } });
    const job = await v1.batches.create({ model, src: [ask("a", "Hi")] });
    const done = await v1.batches.get({ name: job.name! });

    expect(textOf(done.dest!.inlinedResponses![0].response)).toMatch(/^Answer to: Hi/);
    expect(server.requests.map((request) => request.path)).toEqual([
      `/v1/models/${model}:batchGenerateContent`,
      `/v1/${job.name}`,
    ]);
  });
});

describe("Gemini inline batches: schemas", () => {
  it("fails only the request whose JSON schema Gemini refuses, with an error Status", async () => {
    const cyclic = {
      type: "object",
      properties: { name: { type: "string" }, next: { $ref: "#" } },
      required: ["name", "next"],
    };
    const refused: InlinedRequest = {
      ...ask("refused", "A chain"),
      config: { responseMimeType: "application/json", responseJsonSchema: cyclic },
    };
    const name = await createBatch([ask("fine", "Hello"), refused]);
    let done = await google.batches.get({ name });
    for (let poll = 0; poll < 10 && done.state !== "JOB_STATE_SUCCEEDED"; poll++) {
      done = await google.batches.get({ name });
    }
    const [fine, failed] = done.dest?.inlinedResponses ?? [];
    expect(textOf(fine?.response)).toMatch(/^Answer to: Hello/);
    expect(failed).toMatchObject({
      metadata: { key: "refused" },
      error: { code: 400, message: "Request contains an invalid argument.", status: "INVALID_ARGUMENT" },
    });
  });
});

describe("Gemini asyncBatchEmbedContent", () => {
  const embedModel = "gemini-embedding-001";
  const oneAttempt = { retryOptions: { attempts: 1 } };

  /** One keyed inline request, as parallellm sends it (the SDK models no per-request metadata). */
  function keyed(key: string, text: string, extra: Record<string, unknown> = {}) {
    return { request: { content: { parts: [{ text }] }, ...extra }, metadata: { key } };
  }

  /** Creates an embedding batch with `requests` put in the body through `extraBody`; returns its name. */
  async function createEmbedBatch(requests: unknown[], displayName = "embed-batch"): Promise<string> {
    const job = await google.batches.createEmbeddings({
      model: embedModel,
      src: { inlinedRequests: {} },
      config: {
        displayName,
        httpOptions: { ...oneAttempt, extraBody: { batch: { inputConfig: { requests: { requests } } } } },
      },
    });
    return job.name!;
  }

  /** The raw create request to the embed route, as a fetch response. */
  function postEmbedBatch(body: unknown, version = "v1beta"): Promise<Response> {
    return fetch(`${server.url}/${version}/models/${embedModel}:asyncBatchEmbedContent`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-goog-api-key": "fake" },
      body: JSON.stringify(body),
    });
  }

  it("takes the SDK's own form (one shared config, no metadata) and answers each text with its vector", async () => {
    const job = await google.batches.createEmbeddings({
      model: embedModel,
      src: {
        inlinedRequests: { contents: ["north", "south"], config: { outputDimensionality: 3, taskType: "CLUSTERING" } },
      },
      config: { displayName: "sdk-form" },
    });

    expect(job).toMatchObject({ displayName: "sdk-form", state: "JOB_STATE_PENDING", model: `models/${embedModel}` });
    expect(server.requests.at(-1)).toMatchObject({
      method: "POST",
      path: `/v1beta/models/${embedModel}:asyncBatchEmbedContent`,
      status: 200,
    });
    const done = await google.batches.get({ name: job.name! });
    expect(done.state).toBe("JOB_STATE_SUCCEEDED");
    // The SDK renames the output when a response holds an embedding.
    expect(done.dest?.inlinedResponses).toBeUndefined();
    expect(done.dest?.inlinedEmbedContentResponses).toEqual(
      ["north", "south"].map((text) => ({
        response: {
          embedding: { values: [...fakeEmbedding(embedModel, text, 3, "CLUSTERING")] },
          tokenCount: String(fakeTokens(text)),
        },
      })),
    );
  });

  it("receives keyed requests put in the body through extraBody exactly, and echoes each key with its result", async () => {
    const requests = [
      keyed("b", "second text", { taskType: "RETRIEVAL_DOCUMENT", outputDimensionality: 4 }),
      keyed("a", "first"),
    ];
    const name = await createEmbedBatch(requests, "keyed");

    expect(server.requests.at(-1)!.body).toEqual({
      batch: { displayName: "keyed", inputConfig: { requests: { requests } } },
    });
    const responses = (await google.batches.get({ name })).dest!.inlinedEmbedContentResponses!;
    expect(responses.map((entry) => entry.metadata)).toEqual([{ key: "b" }, { key: "a" }]);
    expect(responses[0]!.response?.embedding?.values).toEqual([
      ...fakeEmbedding(embedModel, "second text", 4, "RETRIEVAL_DOCUMENT"),
    ]);
    // No outputDimensionality: the model's full length.
    expect(responses[1]!.response?.embedding?.values).toHaveLength(3072);
    expect(responses.map((entry) => entry.response?.tokenCount)).toEqual(["3", "2"]);
  });

  it("names the embed batch in the Operation's @types, with the output in response and metadata.output", async () => {
    const name = await createEmbedBatch([keyed("a", "one")]);
    const done = (await rawOperation(name)) as RawOperation & { metadata: { "@type": string } };

    expect(done.metadata["@type"]).toBe("type.googleapis.com/google.ai.generativelanguage.v1main.EmbedContentBatch");
    expect(done.done).toBe(true);
    expect(done.response?.["@type"]).toBe(
      "type.googleapis.com/google.ai.generativelanguage.v1main.EmbedContentBatchOutput",
    );
    expect(done.response?.inlinedResponses).toEqual(done.metadata.output?.inlinedResponses);
    expect(done.metadata.batchStats).toEqual({ requestCount: "1", successfulRequestCount: "1" });
  });

  it("fails single requests with a Status in place of the response", async () => {
    server.setBatchBehavior({ failRequest: ({ customId }) => (customId === "bad" ? 429 : undefined) });
    const name = await createEmbedBatch([keyed("good", "fine"), keyed("bad", "refused")]);

    const job = await google.batches.get({ name });
    const [good, bad] = job.dest!.inlinedEmbedContentResponses!;

    expect(good!.response?.embedding?.values).toHaveLength(3072);
    expect(bad).toEqual({
      metadata: { key: "bad" },
      error: { code: 429, message: expect.any(String), status: "RESOURCE_EXHAUSTED" },
    });
    expect((await rawOperation(name)).metadata.batchStats).toEqual({
      requestCount: "2",
      successfulRequestCount: "1",
      failedRequestCount: "1",
    });
  });

  it("refuses a malformed body whole (no batch, no requests, no content, bad metadata, unknown fields, file input)", async () => {
    const refusals: [unknown, string][] = [
      [{}, "AsyncBatchEmbedContentRequest.batch: batch is required"],
      [{ batch: {} }, "input_config is required"],
      [{ batch: { inputConfig: { requests: { requests: [] } } } }, "at least one request is required"],
      [
        { batch: { inputConfig: { requests: { requests: [{ request: {} }] } } } },
        "requests[0].request: content is required",
      ],
      [
        {
          batch: { inputConfig: { requests: { requests: [keyed("a", "x"), { ...keyed("b", "y"), metadata: "b" }] } } },
        },
        "requests[1].metadata: metadata must be an object",
      ],
      [
        { batch: { inputConfig: { requests: { requests: [keyed("a", "x", { dimensions: 4 })] } } } },
        'Unknown name "dimensions"',
      ],
      [
        { batch: { inputConfig: { requests: { requests: [keyed("a", "x", { outputDimensionality: "4" })] } } } },
        "output_dimensionality must be a positive integer",
      ],
      [{ batch: { inputConfig: { fileName: "files/123" } } }, "not supported by the fake server"],
    ];
    for (const [body, message] of refusals) {
      const response = await postEmbedBatch(body);
      const { error } = (await response.json()) as { error: { message: string; status: string } };
      expect(response.status, message).toBe(400);
      expect(error.status).toBe("INVALID_ARGUMENT");
      expect(error.message).toContain(message);
    }
    expect(server.batchesOf("google")).toHaveLength(0);
  });

  it("takes more than the direct call's 100 requests, up to the 20 MB inline limit", async () => {
    const many = Array.from({ length: 150 }, (_, index) =>
      keyed(`k${index}`, `text ${index}`, { outputDimensionality: 2 }),
    );
    const name = await createEmbedBatch(many);
    expect((await google.batches.get({ name })).dest!.inlinedEmbedContentResponses).toHaveLength(150);

    const huge = await postEmbedBatch({
      batch: { inputConfig: { requests: { requests: [keyed("a", "x".repeat(21 * 1024 * 1024))] } } },
    });
    expect(huge.status).toBe(400);
    expect(((await huge.json()) as { error: { message: string } }).error.message).toContain("exceeds the limit");
  });

  it("the snake_case REST form works under v1 too, and lists beside generate batches", async () => {
    const response = await postEmbedBatch(
      {
        batch: {
          display_name: "snake",
          input_config: {
            requests: {
              requests: [keyed("a", "x", { task_type: "SEMANTIC_SIMILARITY", output_dimensionality: 2 })],
            },
          },
        },
      },
      "v1",
    );
    const operation = (await response.json()) as RawOperation;
    expect(response.status).toBe(200);
    await createBatch([ask("g", "Hi")], "generate");

    const done = await rawOperation(operation.name, "v1");
    expect(done.metadata.output?.inlinedResponses.inlinedResponses).toEqual([
      {
        response: {
          embedding: { values: [...fakeEmbedding(embedModel, "x", 2, "SEMANTIC_SIMILARITY")] },
          tokenCount: "1",
        },
        metadata: { key: "a" },
      },
    ]);
    const listed = [];
    for await (const job of await google.batches.list()) listed.push(job.displayName);
    expect(listed).toEqual(["generate", "snake"]);
  });
});
