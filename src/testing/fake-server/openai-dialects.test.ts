import OpenAI, { toFile } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rejectionOf } from "../../../test/rejection.js";
import { startFakeProviderServer } from "./fake-provider-server.js";
import type { FakeProviderServer } from "./fake-server-types.js";
import { azureFakeApiVersion } from "./openai-dialects.js";

const chatLine = (customId: string, model: string, url: string) =>
  JSON.stringify({
    custom_id: customId,
    method: "POST",
    url,
    body: { model, messages: [{ role: "user", content: "Hi" }] },
  });

async function upload(openai: OpenAI, lines: readonly string[]) {
  return openai.files.create({ file: await toFile(Buffer.from(lines.join("\n")), "input.jsonl"), purpose: "batch" });
}

describe("the Azure OpenAI dialect", () => {
  let server: FakeProviderServer;
  let openai: OpenAI;
  beforeAll(async () => {
    server = await startFakeProviderServer({ openaiDialect: "azure", apiKeys: { openai: "azure-key-0000" } });
    openai = server.clientsFor().openai;
  });
  afterAll(() => server.close());

  const post = (path: string, headers: Record<string, string>, body: unknown = {}) =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });

  it("answers a request without api-version, or on OpenAI's own paths, with Azure's bare 404", async () => {
    for (const path of ["/openai/batches", `/v1/batches?api-version=${azureFakeApiVersion}`]) {
      const response = await post(path, { "api-key": "azure-key-0000" });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: { code: "404", message: "Resource not found" } });
    }
  });

  it("takes its key from the api-key header, not Authorization: Bearer", async () => {
    const response = await post(`/openai/batches?api-version=${azureFakeApiVersion}`, {
      authorization: "Bearer azure-key-0000",
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      error: { code: "401", message: expect.stringContaining("Access denied") },
    });
  });

  it("runs a chat batch created with endpoint /chat/completions and a deployment name as model", async () => {
    const file = await upload(openai, [chatLine("a", "my-gpt-4o-batch", "/chat/completions")]);
    const batch = await openai.batches.create({
      input_file_id: file.id,
      endpoint: "/chat/completions" as "/v1/chat/completions",
      completion_window: "24h",
    });
    expect(batch).toMatchObject({ endpoint: "/chat/completions", status: "validating" });
    const ended = await openai.batches.retrieve(batch.id);
    expect(ended.status).toBe("completed");
    const output = await (await openai.files.content(ended.output_file_id!)).text();
    expect(JSON.parse(output)).toMatchObject({ custom_id: "a", response: { status_code: 200 } });
    expect(server.requests.map((request) => request.path)).toContain(
      `/openai/batches?api-version=${azureFakeApiVersion}`,
    );
  });

  it("refuses OpenAI's /v1/chat/completions as a batch endpoint, as Azure does", async () => {
    const file = await upload(openai, [chatLine("a", "my-gpt-4o-batch", "/v1/chat/completions")]);
    const error = await rejectionOf(
      openai.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" }),
      OpenAI.APIError,
    );
    expect(error).toMatchObject({ status: 400, param: "endpoint", code: "invalid_value" });
  });
});

describe("the Groq dialect", () => {
  let server: FakeProviderServer;
  let openai: OpenAI;
  beforeAll(async () => {
    server = await startFakeProviderServer({ openaiDialect: "groq", apiKeys: { openai: "gsk_right_0000" } });
    openai = server.clientsFor().openai;
  });
  afterAll(() => server.close());

  const create = async (lines: readonly string[], window: string, endpoint = "/v1/chat/completions") => {
    const file = await upload(openai, lines);
    return openai.batches.create({
      input_file_id: file.id,
      endpoint: endpoint as "/v1/chat/completions",
      completion_window: window as "24h",
    });
  };

  it("serves only under /openai/v1", async () => {
    const response = await fetch(`${server.url}/v1/batches`, { headers: { authorization: "Bearer gsk_right_0000" } });
    expect(response.status).toBe(404);
  });

  it("accepts completion windows from 24h to 7d and refuses the rest", async () => {
    const line = chatLine("a", "llama-3.1-8b-instant", "/v1/chat/completions");
    expect((await create([line], "7d")).completion_window).toBe("7d");
    expect((await create([line], "48h")).completion_window).toBe("48h");
    for (const window of ["1h", "8d", "forever"]) {
      expect(await rejectionOf(create([line], window), OpenAI.APIError)).toMatchObject({
        status: 400,
        param: "completion_window",
      });
    }
  });

  it("refuses a model its Batch API does not run, and any endpoint but chat completions", async () => {
    const unsupported = await rejectionOf(
      create([chatLine("a", "whisper-large-v3", "/v1/chat/completions")], "24h"),
      OpenAI.APIError,
    );
    expect(unsupported).toMatchObject({ status: 400, param: "model" });
    const responses = await rejectionOf(
      create([chatLine("a", "llama-3.1-8b-instant", "/v1/responses")], "24h", "/v1/responses"),
      OpenAI.APIError,
    );
    expect(responses).toMatchObject({ status: 400, param: "endpoint" });
  });

  it("answers a wrong key with Groq's message", async () => {
    const response = await fetch(`${server.url}/openai/v1/batches`, { headers: { authorization: "Bearer gsk_wrong" } });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { message: "Invalid API Key", code: "invalid_api_key" } });
  });
});

describe("startFakeProviderServer({ openaiDialect })", () => {
  it("refuses a dialect it does not know, naming the ones it does", async () => {
    const error = await rejectionOf(startFakeProviderServer({ openaiDialect: "fireworks" as "groq" }), TypeError);
    expect((error as Error).message).toContain("openai, groq, azure");
  });
});

describe("the Mistral dialect", () => {
  let server: FakeProviderServer;
  let openai: OpenAI;
  beforeAll(async () => {
    server = await startFakeProviderServer({ openaiDialect: "mistral", apiKeys: { openai: "mistral-key-0000" } });
    openai = server.clientsFor().openai;
  });
  afterAll(() => server.close());

  const job = (body: unknown, key = "mistral-key-0000") =>
    fetch(`${server.url}/v1/batch/jobs`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const mistralLine = (customId: string, body: Record<string, unknown> = {}) =>
    JSON.stringify({ custom_id: customId, body: { messages: [{ role: "user", content: "Hi" }], ...body } });

  it("runs a job from files of custom_id and body lines, for the job's model; statuses in capitals", async () => {
    const file = await upload(openai, [mistralLine("a"), mistralLine("b")]);
    const created = await job({
      input_files: [file.id],
      model: "mistral-small-latest",
      endpoint: "/v1/chat/completions",
    });
    const body = (await created.json()) as { id: string; status: string };
    expect(body.status).toBe("QUEUED");
    const ended = (await (
      await fetch(`${server.url}/v1/batch/jobs/${body.id}`, { headers: { authorization: "Bearer mistral-key-0000" } })
    ).json()) as { status: string; output_file: string; succeeded_requests: number };
    expect(ended).toMatchObject({ status: "SUCCESS", succeeded_requests: 2 });
    const output = (await (await openai.files.content(ended.output_file)).text()).trim().split("\n");
    expect(output.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ custom_id: "a", response: expect.objectContaining({ status_code: 200 }) }),
      expect.objectContaining({ custom_id: "b", response: expect.objectContaining({ status_code: 200 }) }),
    ]);
    expect(JSON.parse(output[0]).response.body.model).toBe("mistral-small-latest");
  });

  it("refuses what Mistral refuses: no model, an unknown field, OpenAI's /v1/batches, a wrong key", async () => {
    const file = await upload(openai, [mistralLine("a")]);
    const noModel = await job({ input_files: [file.id], endpoint: "/v1/chat/completions" });
    expect(noModel.status).toBe(400);
    expect(await noModel.json()).toMatchObject({ object: "error", param: "model" });
    const extra = await job({
      input_files: [file.id],
      model: "mistral-small-latest",
      endpoint: "/v1/chat/completions",
      completion_window: "24h",
    });
    expect(await extra.json()).toMatchObject({ object: "error", param: "completion_window" });
    const openaiStyle = await rejectionOf(
      openai.batches.create({ input_file_id: file.id, endpoint: "/v1/chat/completions", completion_window: "24h" }),
      OpenAI.APIError,
    );
    expect(openaiStyle.status).toBe(404);
    const denied = await job({}, "wrong-key");
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ message: "Unauthorized" });
  });
});
