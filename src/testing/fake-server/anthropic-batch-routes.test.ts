import type Anthropic from "@anthropic-ai/sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startFakeProviderServer } from "../index.js";
import type { FakeProviderServer } from "./fake-server-types.js";

const model = "claude-sonnet-4-6";
const citySchema = {
  type: "object",
  properties: { city: { type: "string" }, population: { type: "integer" } },
  required: ["city", "population"],
  additionalProperties: false,
};
const weatherTool = {
  name: "get_weather",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};

let server: FakeProviderServer;
let anthropic: Anthropic;

beforeAll(async () => {
  server = await startFakeProviderServer();
  anthropic = server.clientsFor().anthropic;
});
afterAll(() => server.close());
afterEach(() => server.setBatchBehavior({}));

function params(prompt: string, extra: Partial<Anthropic.MessageCreateParamsNonStreaming> = {}) {
  return { model, max_tokens: 256, messages: [{ role: "user" as const, content: prompt }], ...extra };
}

function requests(count: number, prefix = "req"): Anthropic.Messages.BatchCreateParams.Request[] {
  return Array.from({ length: count }, (_, index) => ({
    custom_id: `${prefix}-${index}`,
    params: params(`Question ${prefix} ${index}`),
  }));
}

async function resultsOf(id: string): Promise<Anthropic.Messages.MessageBatchIndividualResponse[]> {
  const lines: Anthropic.Messages.MessageBatchIndividualResponse[] = [];
  for await (const line of await anthropic.messages.batches.results(id)) lines.push(line);
  return lines;
}

function byId(lines: readonly Anthropic.Messages.MessageBatchIndividualResponse[]) {
  return Object.fromEntries(lines.map((line) => [line.custom_id, line.result]));
}

/** A message without its random ids, to compare a batch result with a direct answer. */
function withoutIds(message: Anthropic.Message): unknown {
  const { id: _id, _request_id: _requestId, ...rest } = message as Anthropic.Message & { _request_id?: unknown };
  return { ...rest, content: rest.content.map((block) => (block.type === "tool_use" ? { ...block, id: "" } : block)) };
}

async function ended(id: string): Promise<Anthropic.Messages.MessageBatch> {
  for (let poll = 0; poll < 20; poll++) {
    const batch = await anthropic.messages.batches.retrieve(id);
    if (batch.processing_status === "ended") return batch;
  }
  throw new Error(`batch ${id} did not end`);
}

describe("Anthropic Message Batches: lifecycle", () => {
  it("creates an in_progress batch, ends after two polls, and streams JSONL results in shuffled order", async () => {
    server.setBatchBehavior({ completeAfterPolls: 2 });
    const created = await anthropic.messages.batches.create({ requests: requests(12) });

    expect(created.id).toMatch(/^msgbatch_01/);
    expect(created).toMatchObject({
      type: "message_batch",
      processing_status: "in_progress",
      request_counts: { processing: 12, succeeded: 0, errored: 0, canceled: 0, expired: 0 },
      ended_at: null,
      archived_at: null,
      cancel_initiated_at: null,
      results_url: null,
    });
    expect(Date.parse(created.expires_at) - Date.parse(created.created_at)).toBe(24 * 60 * 60 * 1000);
    expect(created.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+Z$/);

    expect((await anthropic.messages.batches.retrieve(created.id)).processing_status).toBe("in_progress");
    expect((await anthropic.messages.batches.retrieve(created.id)).processing_status).toBe("in_progress");
    const done = await anthropic.messages.batches.retrieve(created.id);
    expect(done).toMatchObject({
      processing_status: "ended",
      request_counts: { processing: 0, succeeded: 12, errored: 0, canceled: 0, expired: 0 },
      results_url: `${server.url}/v1/messages/batches/${created.id}/results`,
    });
    expect(done.ended_at).not.toBeNull();

    const lines = await resultsOf(created.id);
    const order = lines.map((line) => line.custom_id);
    expect([...order].sort()).toEqual(
      requests(12)
        .map((request) => request.custom_id)
        .sort(),
    );
    // 12! orders: the chance the shuffle keeps input order is negligible.
    expect(order).not.toEqual(requests(12).map((request) => request.custom_id));
    // The file is fixed once the batch has ended.
    expect((await resultsOf(created.id)).map((line) => line.custom_id)).toEqual(order);
    expect(server.requests.at(-1)?.headers["accept"]).toBe("application/binary");
  });

  it("serves the results as raw JSONL, and refuses them before the batch ends", async () => {
    server.setBatchBehavior({ completeAfterPolls: 1 });
    const { id } = await anthropic.messages.batches.create({ requests: requests(2) });
    const url = `${server.url}/v1/messages/batches/${id}/results`;
    const headers = { authorization: "Bearer sk-ant-fake", "anthropic-version": "2026-10-21" };

    const early = await fetch(url, { headers });
    expect(early.status).toBe(404);
    expect(await early.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } });
    await expect(anthropic.messages.batches.results(id)).rejects.toThrow(/No batch `results_url`/);

    await ended(id);
    const response = await fetch(url, { headers });
    expect(response.headers.get("content-type")).toBe("application/x-jsonl");
    const text = await response.text();
    expect(text.endsWith("\n")).toBe(true);
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ result: { type: "succeeded" } });
  });

  it("answers each request exactly as POST /v1/messages would, structured output and tool calls included", async () => {
    server.script({
      provider: "anthropic",
      match: "weather",
      reply: { text: "Checking.", toolCalls: [{ name: "get_weather", args: { city: "Oslo" } }] },
    });
    const cases = {
      plain: params("Say hello."),
      structured: params("Biggest city in Norway?", {
        output_config: { format: { type: "json_schema", schema: citySchema } },
      }),
      tool: params("What is the weather in Oslo?", { tools: [weatherTool] }),
    };
    const { id } = await anthropic.messages.batches.create({
      requests: Object.entries(cases).map(([customId, body]) => ({ custom_id: customId, params: body })),
    });
    await ended(id);
    const results = byId(await resultsOf(id));

    for (const [customId, body] of Object.entries(cases)) {
      const direct = await anthropic.messages.create(body);
      const result = results[customId];
      if (result?.type !== "succeeded") throw new Error(`expected ${customId} to succeed, got ${result?.type}`);
      expect(result.message.id).toMatch(/^msg_01/);
      expect(withoutIds(result.message)).toEqual(withoutIds(direct));
    }
    const tool = results["tool"];
    if (tool?.type !== "succeeded") throw new Error("expected the tool request to succeed");
    expect(tool.message.stop_reason).toBe("tool_use");
    expect(tool.message.content[1]).toMatchObject({ type: "tool_use", name: "get_weather", input: { city: "Oslo" } });
  });
});

describe("Anthropic Message Batches: outcomes", () => {
  it("reports per-request failures as errored lines with Anthropic error bodies", async () => {
    server.setBatchBehavior({
      failRequest: ({ customId }) => ({ "req-1": 529, "req-3": 400 })[customId],
    });
    const { id } = await anthropic.messages.batches.create({ requests: requests(4) });
    const batch = await ended(id);
    expect(batch.request_counts).toEqual({ processing: 0, succeeded: 2, errored: 2, canceled: 0, expired: 0 });

    const results = byId(await resultsOf(id));
    expect(results["req-0"]?.type).toBe("succeeded");
    expect(results["req-1"]).toEqual({
      type: "errored",
      error: {
        type: "error",
        error: { type: "overloaded_error", message: "Overloaded" },
        request_id: expect.stringMatching(/^req_011C/),
      },
    });
    expect(results["req-3"]).toMatchObject({ type: "errored", error: { error: { type: "invalid_request_error" } } });
  });

  it("ends an expired batch with partial results: the unprocessed requests are expired", async () => {
    server.setBatchBehavior({ outcome: "expired", finishedBeforeEnd: 1 });
    const { id } = await anthropic.messages.batches.create({ requests: requests(3) });
    const batch = await ended(id);
    expect(batch.request_counts).toEqual({ processing: 0, succeeded: 1, errored: 0, canceled: 0, expired: 2 });

    const results = byId(await resultsOf(id));
    expect(results["req-0"]?.type).toBe("succeeded");
    expect(results["req-1"]).toEqual({ type: "expired" });
    expect(results["req-2"]).toEqual({ type: "expired" });
  });

  it("treats a failed batch (no Anthropic equivalent) as every request errored with api_error", async () => {
    server.setBatchBehavior({ outcome: "failed" });
    const { id } = await anthropic.messages.batches.create({ requests: requests(2) });
    const batch = await ended(id);
    expect(batch.request_counts).toMatchObject({ succeeded: 0, errored: 2 });
    for (const line of await resultsOf(id)) {
      expect(line.result).toMatchObject({ type: "errored", error: { error: { type: "api_error" } } });
    }
  });

  it("cancels: canceling at once, then ended with the unprocessed requests canceled", async () => {
    server.setBatchBehavior({ completeAfterPolls: 10, finishedBeforeEnd: 1 });
    const { id } = await anthropic.messages.batches.create({ requests: requests(3) });
    const canceling = await anthropic.messages.batches.cancel(id);
    expect(canceling).toMatchObject({ processing_status: "canceling", results_url: null, ended_at: null });
    expect(canceling.cancel_initiated_at).not.toBeNull();

    const batch = await anthropic.messages.batches.retrieve(id);
    expect(batch).toMatchObject({
      processing_status: "ended",
      request_counts: { processing: 0, succeeded: 1, errored: 0, canceled: 2, expired: 0 },
      cancel_initiated_at: canceling.cancel_initiated_at,
    });
    const results = byId(await resultsOf(id));
    expect(results["req-0"]?.type).toBe("succeeded");
    expect(results["req-2"]).toEqual({ type: "canceled" });
    // Cancelling an ended batch changes nothing.
    expect((await anthropic.messages.batches.cancel(id)).processing_status).toBe("ended");
  });
});

describe("Anthropic Message Batches: list and delete", () => {
  it("lists batches newest first and pages with after_id and before_id", async () => {
    const fresh = await startFakeProviderServer();
    try {
      const client = fresh.clientsFor().anthropic;
      const ids: string[] = [];
      for (let index = 0; index < 5; index++) {
        ids.push((await client.messages.batches.create({ requests: requests(index + 1) })).id);
      }
      const newestFirst = [...ids].reverse();

      const first = await client.messages.batches.list({ limit: 2 });
      expect(first.data.map((batch) => batch.id)).toEqual(newestFirst.slice(0, 2));
      expect(first).toMatchObject({ has_more: true, first_id: newestFirst[0], last_id: newestFirst[1] });
      expect(first.data[0].request_counts.processing).toBe(5);

      const all: string[] = [];
      for await (const batch of client.messages.batches.list({ limit: 2 })) all.push(batch.id);
      expect(all).toEqual(newestFirst);

      const before = await client.messages.batches.list({ limit: 2, before_id: newestFirst[3] });
      expect(before.data.map((batch) => batch.id)).toEqual(newestFirst.slice(1, 3));
      expect(before.has_more).toBe(true);
      const last = await client.messages.batches.list({ limit: 10, after_id: newestFirst[3] });
      expect(last).toMatchObject({ has_more: false, first_id: newestFirst[4], last_id: newestFirst[4] });
    } finally {
      await fresh.close();
    }
  });

  it("deletes only ended batches", async () => {
    server.setBatchBehavior({ completeAfterPolls: 1 });
    const { id } = await anthropic.messages.batches.create({ requests: requests(1) });
    await expect(anthropic.messages.batches.delete(id)).rejects.toMatchObject({ status: 400 });

    await ended(id);
    expect(await anthropic.messages.batches.delete(id)).toEqual({ id, type: "message_batch_deleted" });
    await expect(anthropic.messages.batches.retrieve(id)).rejects.toMatchObject({ status: 404 });
    expect(server.batchesOf("anthropic").map((batch) => batch.id)).not.toContain(id);
  });
});

describe("Anthropic Message Batches: validation", () => {
  async function refusal(body: unknown): Promise<string> {
    const error = await anthropic.messages.batches.create(body as Anthropic.Messages.BatchCreateParams).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ status: 400, error: { error: { type: "invalid_request_error" } } });
    return (error as { error: { error: { message: string } } }).error.error.message;
  }

  it("refuses the whole batch when one request's params are invalid", async () => {
    const { model: _model, ...withoutModel } = params("x");
    expect(
      await refusal({
        requests: [...requests(1), { custom_id: "bad", params: { ...params("x"), max_tokens: undefined } }],
      }),
    ).toBe("requests.1.params.max_tokens: Field required");
    expect(await refusal({ requests: [{ custom_id: "a", params: withoutModel }] })).toBe(
      "requests.0.params.model: Field required",
    );
    expect(await refusal({ requests: [{ custom_id: "a", params: { ...params("x"), temperature: 0.5 } }] })).toMatch(
      /^requests\.0\.params\.temperature: Extra inputs are not permitted/,
    );
    expect(server.batchesOf("anthropic").every((batch) => !batch.items.some((item) => item.customId === "bad"))).toBe(
      true,
    );
  });

  it("checks custom_id: required, 1-64 characters of [A-Za-z0-9_-], unique", async () => {
    expect(await refusal({ requests: [{ params: params("x") }] })).toBe("requests.0.custom_id: Field required");
    expect(await refusal({ requests: [{ custom_id: "has space", params: params("x") }] })).toMatch(
      /^requests\.0\.custom_id: String should match pattern/,
    );
    expect(await refusal({ requests: [{ custom_id: "x".repeat(65), params: params("x") }] })).toMatch(
      /should match pattern/,
    );
    expect(
      await refusal({
        requests: [
          { custom_id: "same", params: params("x") },
          { custom_id: "same", params: params("y") },
        ],
      }),
    ).toMatch(/^requests\.1\.custom_id: Duplicate custom_id 'same'/);
    expect(await refusal({ requests: [] })).toMatch(/^requests: List should have at least 1 item/);
    expect(await refusal({})).toBe("requests: Field required");
  });

  it("answers unknown batch ids with not_found_error", async () => {
    await expect(anthropic.messages.batches.retrieve("msgbatch_missing")).rejects.toMatchObject({
      status: 404,
      error: { error: { type: "not_found_error" } },
    });
  });
});

describe("Anthropic Message Batches: schemas", () => {
  it("accepts the batch and fails only the request whose schema the API cannot compile, with the direct body", async () => {
    const refused = {
      type: "object",
      properties: { n: { type: "integer", minimum: 1 } },
      required: ["n"],
      additionalProperties: false,
    };
    const { id } = await anthropic.messages.batches.create({
      requests: [
        {
          custom_id: "fine",
          params: params("A city", { output_config: { format: { type: "json_schema", schema: citySchema } } }),
        },
        {
          custom_id: "refused",
          params: params("A number", { output_config: { format: { type: "json_schema", schema: refused } } }),
        },
      ],
    });
    const batch = await ended(id);
    expect(batch.request_counts).toMatchObject({ succeeded: 1, errored: 1 });
    const results = byId(await resultsOf(id));
    expect(results["fine"]?.type).toBe("succeeded");
    expect(results["refused"]).toEqual({
      type: "errored",
      error: {
        type: "error",
        error: {
          type: "invalid_request_error",
          message: "output_config.format.schema: For 'integer' type, property 'minimum' is not supported",
        },
        request_id: expect.stringMatching(/^req_011C/),
      },
    });
  });
});
