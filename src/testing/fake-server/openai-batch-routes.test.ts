import OpenAI, { toFile } from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf } from "../../../test/rejection.js";
import { startFakeProviderServer } from "./fake-provider-server.js";
import type { FakeProviderServer } from "./fake-server-types.js";

const model = "gpt-4.1-mini";
const weatherTool = {
  name: "get_weather",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};
const eventSchema = {
  type: "object",
  properties: { day: { type: "string", enum: ["Friday", "Saturday"] }, count: { type: "integer" } },
  required: ["day", "count"],
  additionalProperties: false,
};

let server: FakeProviderServer;
let openai: OpenAI;

beforeEach(async () => {
  server = await startFakeProviderServer();
  openai = server.clientsFor().openai;
});
afterEach(() => server.close());

type Endpoint = "/v1/responses" | "/v1/chat/completions";

/** The parts of a Responses body the assertions read. */
interface ResponseBody {
  readonly output: readonly { readonly content: readonly { readonly text: string }[] }[];
}

interface ResultLine {
  readonly id: string;
  readonly custom_id: string;
  readonly response: { readonly status_code: number; readonly request_id: string; readonly body: ResponseBody } | null;
  readonly error: { readonly code: string; readonly message: string } | null;
}

function line(customId: string, body: Record<string, unknown>, url: Endpoint = "/v1/responses"): string {
  return JSON.stringify({ custom_id: customId, method: "POST", url, body });
}

async function upload(lines: readonly string[] | string, filename = "input.jsonl") {
  const text = typeof lines === "string" ? lines : lines.join("\n");
  return openai.files.create({ file: await toFile(Buffer.from(text), filename), purpose: "batch" });
}

async function createBatch(lines: readonly string[] | string, endpoint: Endpoint = "/v1/responses") {
  const file = await upload(lines);
  return openai.batches.create({ input_file_id: file.id, endpoint, completion_window: "24h" });
}

/** Polls until the batch has ended; returns every status seen, in order, and the last batch. */
async function pollUntilEnded(id: string) {
  const statuses: string[] = [];
  for (let poll = 0; poll < 20; poll++) {
    const batch = await openai.batches.retrieve(id);
    statuses.push(batch.status);
    if (["completed", "failed", "expired", "cancelled"].includes(batch.status)) return { statuses, batch };
  }
  throw new Error(`batch ${id} did not end`);
}

async function readResultFile(fileId: string | null | undefined): Promise<ResultLine[]> {
  if (!fileId) return [];
  const text = await (await openai.files.content(fileId)).text();
  return text
    .split("\n")
    .filter((entry) => entry !== "")
    .map((entry) => JSON.parse(entry) as ResultLine);
}

function byCustomId(lines: readonly ResultLine[]): Record<string, ResultLine> {
  return Object.fromEntries(lines.map((entry) => [entry.custom_id, entry]));
}

/** Replaces values that differ between any two answers (ids, clocks). */
function withoutIdsAndTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIdsAndTimes);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, entry]) => [
      key,
      ["id", "call_id", "created", "created_at", "completed_at"].includes(key) ? "<varies>" : withoutIdsAndTimes(entry),
    ]),
  );
}

const caught = (promise: Promise<unknown>) =>
  rejectionOf<InstanceType<typeof OpenAI.APIError>>(promise, OpenAI.APIError);

describe("OpenAI batches: lifecycle", () => {
  it("validates, runs and completes after the configured polls, echoing metadata", async () => {
    server.setBatchBehavior({ completeAfterPolls: 2 });
    const file = await upload([line("a", { model, input: "One" }), line("b", { model, input: "Two" })]);
    const created = await openai.batches.create({
      input_file_id: file.id,
      endpoint: "/v1/responses",
      completion_window: "24h",
      metadata: { pllm_tag: "t-1" },
    });

    expect(created).toMatchObject({
      object: "batch",
      status: "validating",
      endpoint: "/v1/responses",
      input_file_id: file.id,
      completion_window: "24h",
      model,
      errors: null,
      output_file_id: null,
      error_file_id: null,
      request_counts: { total: 2, completed: 0, failed: 0 },
      metadata: { pllm_tag: "t-1" },
    });
    expect(created.id).toMatch(/^batch_/);

    const { statuses, batch } = await pollUntilEnded(created.id);
    expect(statuses).toEqual(["in_progress", "in_progress", "completed"]);
    expect(batch).toMatchObject({
      status: "completed",
      error_file_id: null,
      request_counts: { total: 2, completed: 2, failed: 0 },
      metadata: { pllm_tag: "t-1" },
    });
    for (const field of ["created_at", "in_progress_at", "expires_at", "finalizing_at", "completed_at"] as const) {
      expect(Number.isInteger(batch[field])).toBe(true);
      expect(batch[field]).toBeLessThan(1e11); // seconds, not milliseconds
    }
    expect(batch.failed_at).toBeNull();

    // The result files are written once: a later poll names the same files.
    expect((await openai.batches.retrieve(created.id)).output_file_id).toBe(batch.output_file_id);
    const output = byCustomId(await readResultFile(batch.output_file_id));
    expect(Object.keys(output).sort()).toEqual(["a", "b"]);
    expect(output.a.id).toMatch(/^batch_req_/);
    expect(output.a.error).toBeNull();
    expect(output.a.response).toMatchObject({ status_code: 200, body: { object: "response", status: "completed" } });
    expect(output.a.response!.request_id).toMatch(/^req_/);
    expect(output.a.response!.body.output[0].content[0].text).toMatch(/^Answer to: One/);
  });

  it("writes result lines in no particular order", async () => {
    const ids = Array.from({ length: 30 }, (_, index) => `item-${index}`);
    const created = await createBatch(ids.map((id) => line(id, { model, input: id })));
    const { batch } = await pollUntilEnded(created.id);
    const order = (await readResultFile(batch.output_file_id)).map((entry) => entry.custom_id);

    expect([...order].sort()).toEqual([...ids].sort());
    expect(order).not.toEqual(ids);
  });

  const bodies: Record<Endpoint, Record<string, Record<string, unknown>>> = {
    "/v1/responses": {
      text: { model, instructions: "Be brief.", input: [{ role: "user", content: "Name a colour." }] },
      schema: {
        model,
        input: "Extract the event.",
        text: { format: { type: "json_schema", name: "event", strict: true, schema: eventSchema } },
      },
      tools: {
        model,
        input: "Weather in Oslo?",
        tools: [{ type: "function", strict: false, ...weatherTool }],
      },
    },
    "/v1/chat/completions": {
      text: {
        model,
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Name a colour." },
        ],
      },
      schema: {
        model,
        messages: [{ role: "user", content: "Extract the event." }],
        response_format: { type: "json_schema", json_schema: { name: "event", strict: true, schema: eventSchema } },
      },
      tools: {
        model,
        messages: [{ role: "user", content: "Weather in Oslo?" }],
        tools: [{ type: "function", function: weatherTool }],
      },
    },
  };

  for (const endpoint of ["/v1/responses", "/v1/chat/completions"] as const) {
    it(`answers ${endpoint} lines exactly as the direct endpoint does (text, schema, tool calls)`, async () => {
      server.script({
        provider: "openai",
        match: "Oslo",
        reply: { toolCalls: [{ name: "get_weather", args: { city: "Oslo" } }] },
      });
      const cases = bodies[endpoint];
      const created = await createBatch(
        Object.entries(cases).map(([id, body]) => line(id, body, endpoint)),
        endpoint,
      );
      const { batch } = await pollUntilEnded(created.id);
      const output = byCustomId(await readResultFile(batch.output_file_id));

      for (const [id, body] of Object.entries(cases)) {
        const direct = await openai.post(endpoint.slice("/v1".length), { body }).asResponse();
        expect(withoutIdsAndTimes(output[id].response!.body)).toEqual(withoutIdsAndTimes(await direct.json()));
      }
      expect(JSON.stringify(output.tools.response!.body)).toContain('{\\"city\\":\\"Oslo\\"}');
    });
  }
});

describe("OpenAI batches: per-request failures", () => {
  it("puts failed requests in the error file with their status and error body", async () => {
    server.setBatchBehavior({
      failRequest: ({ customId }) => ({ b: 500, c: 429 })[customId as "b" | "c"],
    });
    const created = await createBatch([
      line("a", { model, input: "Fine" }),
      line("b", { model, input: "Server error" }),
      line("c", { model, input: "Rate limited" }),
      line("d", { model }), // no input: the direct endpoint would answer 400
    ]);
    const { batch } = await pollUntilEnded(created.id);

    expect(batch.status).toBe("completed");
    expect(batch.request_counts).toEqual({ total: 4, completed: 1, failed: 3 });
    expect(Object.keys(byCustomId(await readResultFile(batch.output_file_id)))).toEqual(["a"]);
    const errors = byCustomId(await readResultFile(batch.error_file_id));
    expect(Object.keys(errors).sort()).toEqual(["b", "c", "d"]);
    expect(errors.b).toMatchObject({
      error: null,
      response: { status_code: 500, body: { error: { type: "server_error" } } },
    });
    expect(errors.c.response).toMatchObject({ status_code: 429, body: { error: { code: "rate_limit_exceeded" } } });
    expect(errors.d.response).toMatchObject({
      status_code: 400,
      body: {
        error: { message: "Missing required parameter: 'input'.", param: "input", type: "invalid_request_error" },
      },
    });
  });

  it("completes with every request failed: no output file, only an error file", async () => {
    server.setBatchBehavior({ failRequest: () => 500 });
    const created = await createBatch([line("a", { model, input: "x" }), line("b", { model, input: "y" })]);
    const { batch } = await pollUntilEnded(created.id);

    expect(batch).toMatchObject({
      status: "completed",
      output_file_id: null,
      request_counts: { completed: 0, failed: 2 },
    });
    expect(await readResultFile(batch.error_file_id)).toHaveLength(2);
  });

  it("uses up scripted replies only for requests that are answered", async () => {
    server.setBatchBehavior({ failRequest: ({ customId }) => (customId === "a" ? 503 : undefined) });
    server.script({ provider: "openai", reply: "scripted once", times: 1 });
    const created = await createBatch([line("a", { model, input: "x" }), line("b", { model, input: "y" })]);
    const { batch } = await pollUntilEnded(created.id);
    const output = byCustomId(await readResultFile(batch.output_file_id));

    expect(output.b.response!.body.output[0].content[0].text).toBe("scripted once");
  });
});

describe("OpenAI batches: ends without all results", () => {
  it("expires with partial results: unfinished requests get batch_expired", async () => {
    server.setBatchBehavior({ outcome: "expired", finishedBeforeEnd: 1 });
    const created = await createBatch(["a", "b", "c"].map((id) => line(id, { model, input: id })));
    const { batch } = await pollUntilEnded(created.id);

    expect(batch).toMatchObject({ status: "expired", request_counts: { total: 3, completed: 1, failed: 2 } });
    expect(Number.isInteger(batch.expired_at)).toBe(true);
    expect(batch.completed_at).toBeNull();
    expect(Object.keys(byCustomId(await readResultFile(batch.output_file_id)))).toEqual(["a"]);
    const errors = byCustomId(await readResultFile(batch.error_file_id));
    expect(Object.keys(errors).sort()).toEqual(["b", "c"]);
    expect(errors.b.response).toBeNull();
    expect(errors.b.error).toMatchObject({ code: "batch_expired" });
  });

  it("cancels: cancelling at once, cancelled at the next poll, unprocessed requests batch_cancelled", async () => {
    server.setBatchBehavior({ completeAfterPolls: 5 });
    const created = await createBatch(["a", "b", "c", "d"].map((id) => line(id, { model, input: id })));
    expect((await openai.batches.retrieve(created.id)).status).toBe("in_progress");

    const cancelling = await openai.batches.cancel(created.id);
    expect(cancelling.status).toBe("cancelling");
    expect(Number.isInteger(cancelling.cancelling_at)).toBe(true);
    expect((await openai.batches.cancel(created.id)).status).toBe("cancelling");
    const listed = (await openai.batches.list()).data.find((batch) => batch.id === created.id);
    expect(listed?.status).toBe("cancelling");

    const cancelled = await openai.batches.retrieve(created.id);
    expect(cancelled).toMatchObject({ status: "cancelled", cancelling_at: cancelling.cancelling_at });
    expect(Number.isInteger(cancelled.cancelled_at)).toBe(true);
    expect(await readResultFile(cancelled.output_file_id)).toHaveLength(2);
    const errors = await readResultFile(cancelled.error_file_id);
    expect(errors.map((entry) => entry.error?.code)).toEqual(["batch_cancelled", "batch_cancelled"]);

    const again = await caught(openai.batches.cancel(created.id));
    expect(again.status).toBe(409);
    expect(again.message).toContain("Cannot cancel a batch with status 'cancelled'");
  });

  it("fails as a whole with setBatchBehavior({ outcome: 'failed' })", async () => {
    server.setBatchBehavior({ outcome: "failed" });
    const created = await createBatch([line("a", { model, input: "x" })]);
    const { batch } = await pollUntilEnded(created.id);

    expect(batch).toMatchObject({ status: "failed", output_file_id: null, error_file_id: null });
    expect(batch.errors?.data?.[0]).toMatchObject({ code: "token_limit_exceeded", line: null });
  });
});

describe("OpenAI batches: validation", () => {
  const valid = line("a", { model, input: "x" });
  const cases: [string, string, { code: string; line: number | null }][] = [
    ["a line that is not JSON", `${valid}\n{"custom_id": "b", "meth`, { code: "invalid_json_line", line: 2 }],
    ["a repeated custom_id", `${valid}\n${valid}`, { code: "duplicate_custom_id", line: 2 }],
    [
      "a url other than the endpoint",
      `${valid}\n${line("b", { model, messages: [] }, "/v1/chat/completions")}`,
      { code: "url_mismatch", line: 2 },
    ],
    ["two models", `${valid}\n${line("b", { model: "gpt-4.1", input: "y" })}`, { code: "model_mismatch", line: 2 }],
    ["an empty file", "\n", { code: "empty_file", line: null }],
    [
      "a GET line",
      JSON.stringify({ custom_id: "a", method: "GET", url: "/v1/responses", body: {} }),
      { code: "invalid_method", line: 1 },
    ],
  ];

  for (const [name, text, error] of cases) {
    it(`fails a batch whose file has ${name}`, async () => {
      const created = await createBatch(text);
      expect(created.status).toBe("validating");
      const { statuses, batch } = await pollUntilEnded(created.id);

      expect(statuses).toEqual(["failed"]);
      expect(batch).toMatchObject({
        output_file_id: null,
        error_file_id: null,
        in_progress_at: null,
        request_counts: { total: 0, completed: 0, failed: 0 },
        errors: { object: "list" },
      });
      expect(Number.isInteger(batch.failed_at)).toBe(true);
      expect(batch.errors?.data).toEqual([expect.objectContaining(error)]);
    });
  }

  it("refuses a create with an unknown file, endpoint or window", async () => {
    const file = await upload([valid]);
    const create = (body: Record<string, unknown>) =>
      caught(
        openai.batches.create({
          input_file_id: file.id,
          endpoint: "/v1/responses",
          completion_window: "24h",
          ...body,
        } as never),
      );

    const unknownFile = await create({ input_file_id: "file-nope" });
    expect(unknownFile.status).toBe(404);
    expect(unknownFile.param).toBe("input_file_id");
    expect((await create({ endpoint: "/v1/nothing" })).code).toBe("invalid_value");
    expect((await create({ endpoint: "/v1/moderations" })).message).toContain("fake provider server");
    expect((await create({ completion_window: "48h" })).param).toBe("completion_window");
    expect((await create({ metadata: { tag: 1 } })).param).toBe("metadata.tag");
    expect((await create({ extra: true })).code).toBe("unknown_parameter");
    expect((await caught(openai.batches.retrieve("batch_nope"))).status).toBe(404);
  });
});

describe("OpenAI batches: list", () => {
  it("lists newest first with cursor paging", async () => {
    const ids: string[] = [];
    for (let index = 0; index < 5; index++) ids.push((await createBatch([line("a", { model, input: `${index}` })])).id);
    const newestFirst = [...ids].reverse();

    const first = await openai.batches.list({ limit: 2 });
    expect(first.data.map((batch) => batch.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.has_more).toBe(true);
    const raw = await (
      await openai.get("/batches", { query: { limit: 2, after: newestFirst[3] } }).asResponse()
    ).json();
    expect(raw).toEqual({
      object: "list",
      data: [expect.objectContaining({ id: newestFirst[4] })],
      first_id: newestFirst[4],
      last_id: newestFirst[4],
      has_more: false,
    });

    const all: string[] = [];
    for await (const batch of openai.batches.list({ limit: 2 })) all.push(batch.id);
    expect(all).toEqual(newestFirst);
    expect((await caught(openai.batches.list({ limit: 0 }))).param).toBe("limit");
  });
});

describe("OpenAI Batch: schemas", () => {
  it("fails only the request whose strict schema the API refuses: an error-file line with the direct body", async () => {
    const format = (schema: Record<string, unknown>) => ({
      model,
      input: "Count.",
      text: { format: { type: "json_schema", name: "count", schema, strict: true } },
    });
    const created = await createBatch([
      line("fine", format(eventSchema)),
      line("refused", format({ type: "object", properties: { n: { type: "integer" } }, required: ["n"] })),
    ]);
    const { batch } = await pollUntilEnded(created.id);
    expect(batch.request_counts).toEqual({ total: 2, completed: 1, failed: 1 });
    expect(Object.keys(byCustomId(await readResultFile(batch.output_file_id)))).toEqual(["fine"]);
    const errors = byCustomId(await readResultFile(batch.error_file_id));
    expect(errors.refused).toMatchObject({
      error: null,
      response: {
        status_code: 400,
        body: {
          error: {
            message:
              "Invalid schema for response_format 'count': In context=(), 'additionalProperties' is required to be supplied and to be false.",
            type: "invalid_request_error",
            param: "text.format.schema",
            code: "invalid_json_schema",
          },
        },
      },
    });
  });
});
