import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf } from "../../../test/rejection.js";
import { startFakeProviderServer } from "./fake-provider-server.js";
import type { FakeProviderServer } from "./fake-server-types.js";

const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
const model = "gpt-4.1-mini";
const eventSchema = {
  type: "object",
  properties: {
    participants: { type: "array", items: { type: "string" } },
    day: { type: "string", enum: ["Friday", "Saturday"] },
    count: { type: "integer", minimum: 1, maximum: 9 },
  },
  required: ["participants", "day", "count"],
  additionalProperties: false,
};
const weatherTool = {
  name: "get_weather",
  parameters: {
    type: "object",
    properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } },
    required: ["city", "unit"],
    additionalProperties: false,
  },
};

let server: FakeProviderServer;
let openai: OpenAI;

beforeEach(async () => {
  server = await startFakeProviderServer();
  openai = server.clientsFor().openai;
});
afterEach(() => server.close());

const caught = (promise: Promise<unknown>) =>
  rejectionOf<InstanceType<typeof OpenAI.APIError>>(promise, OpenAI.APIError);

describe("OpenAI Responses API", () => {
  it("answers text deterministically, shaped like the fixtures", async () => {
    const first = await openai.responses.create({ model, input: "Name a colour." });
    const second = await openai.responses.create({ model, input: "Name a colour." });
    const otherModel = await openai.responses.create({ model: "gpt-4.1", input: "Name a colour." });

    expect(first.output_text).toMatch(/^Answer to: Name a colour\. \[[0-9a-f]{8}\]$/);
    expect(second.output_text).toBe(first.output_text);
    expect(otherModel.output_text).not.toBe(first.output_text);
    expect(first.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(second.id).not.toBe(first.id);
    expect(first).toMatchObject({ object: "response", status: "completed", model, error: null });
    expect(first.output[0]).toMatchObject({ type: "message", role: "assistant", status: "completed" });
    expect(first.output[0].id).toMatch(/^msg_/);
    const usage = first.usage!;
    expect(usage.input_tokens).toBeGreaterThan(0);
    expect(usage.output_tokens).toBe(Math.ceil(first.output_text.length / 4));
    expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
    expect(usage.input_tokens_details).toEqual({ cached_tokens: 0 });
    expect(usage.output_tokens_details).toEqual({ reasoning_tokens: 0 });
  });

  it("answers a json_schema text format with a sample of the schema", async () => {
    const request = {
      model,
      input: "Extract: Alice and Bob meet Friday.",
      text: { format: { type: "json_schema" as const, name: "event", strict: true, schema: eventSchema } },
    };
    const response = await openai.responses.create(request);
    const value = JSON.parse(response.output_text);

    expect(Object.keys(value).sort()).toEqual(["count", "day", "participants"]);
    expect(["Friday", "Saturday"]).toContain(value.day);
    expect(Number.isInteger(value.count)).toBe(true);
    expect(value.participants.every((name: unknown) => typeof name === "string")).toBe(true);
    expect((await openai.responses.create(request)).output_text).toBe(response.output_text);
    expect(response.text).toMatchObject({ format: { type: "json_schema", name: "event" } });
  });

  it("returns scripted function calls, then answers the tool result with text", async () => {
    server.script({
      provider: "openai",
      match: "weather",
      reply: { toolCalls: [{ name: "get_weather", args: { city: "Oslo", unit: "celsius" } }] },
      times: 1,
    });
    const tools = [{ type: "function" as const, strict: true, ...weatherTool }];
    const input = [{ role: "user" as const, content: "What is the weather in Oslo?" }];

    const first = await openai.responses.create({ model, input, tools });
    const call = first.output[0];
    expect(first.output).toHaveLength(1);
    expect(call.type).toBe("function_call");
    if (call.type !== "function_call") return;
    expect(call.id).toMatch(/^fc_/);
    expect(call.call_id).toMatch(/^call_/);
    expect(call.name).toBe("get_weather");
    expect(JSON.parse(call.arguments)).toEqual({ city: "Oslo", unit: "celsius" });

    const second = await openai.responses.create({
      model,
      tools,
      input: [
        ...input,
        { type: "function_call", call_id: call.call_id, name: call.name, arguments: call.arguments },
        { type: "function_call_output", call_id: call.call_id, output: '{"temperature":22}' },
      ],
    });
    expect(second.output[0].type).toBe("message");
    expect(second.output_text).toMatch(/^Answer to: What is the weather in Oslo\?/);
  });

  it("with autoToolCalls calls the first tool with sampled arguments once", async () => {
    const auto = await startFakeProviderServer({ autoToolCalls: true });
    try {
      const client = auto.clientsFor().openai;
      const tools = [{ type: "function" as const, strict: true, ...weatherTool }];
      const response = await client.responses.create({ model, input: "Weather?", tools });
      const call = response.output[0];
      if (call.type !== "function_call") throw new Error(`expected a function call, got ${call.type}`);
      const args = JSON.parse(call.arguments);
      expect(typeof args.city).toBe("string");
      expect(["celsius", "fahrenheit"]).toContain(args.unit);

      const after = await client.responses.create({
        model,
        tools,
        input: [
          { role: "user", content: "Weather?" },
          { type: "function_call", call_id: call.call_id, name: call.name, arguments: call.arguments },
          { type: "function_call_output", call_id: call.call_id, output: "sunny" },
        ],
      });
      expect(after.output.map((item) => item.type)).toEqual(["message"]);
    } finally {
      await auto.close();
    }
  });

  it("takes a multi-turn conversation with an image and answers the last user text", async () => {
    const response = await openai.responses.create({
      model,
      instructions: "Describe images briefly.",
      input: [
        {
          role: "user",
          content: [
            { type: "input_text", text: "What is in this image?" },
            { type: "input_image", image_url: `data:image/png;base64,${png}`, detail: "auto" },
          ],
        },
        { role: "assistant", content: "A single pixel." },
        { role: "user", content: [{ type: "input_text", text: "What colour is it?" }] },
      ],
    });
    expect(response.output_text).toMatch(/^Answer to: What colour is it\? /);
    expect(response.instructions).toBe("Describe images briefly.");
    expect(JSON.stringify(server.requests[0].body)).toContain(png);
  });
});

describe("OpenAI Chat Completions", () => {
  it("answers text shaped like the fixtures", async () => {
    const completion = await openai.chat.completions.create({ model, messages: [{ role: "user", content: "Hello!" }] });
    expect(completion.id).toMatch(/^chatcmpl-[0-9A-Za-z]{29}$/);
    expect(completion).toMatchObject({ object: "chat.completion", model, service_tier: "default" });
    expect(completion.choices[0]).toMatchObject({
      index: 0,
      finish_reason: "stop",
      logprobs: null,
      message: { role: "assistant", refusal: null, annotations: [] },
    });
    expect(completion.choices[0].message.content).toMatch(/^Answer to: Hello! \[[0-9a-f]{8}\]$/);
    const usage = completion.usage!;
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    expect(usage.prompt_tokens_details).toEqual({ cached_tokens: 0, audio_tokens: 0 });
    expect(usage.completion_tokens_details).toMatchObject({ reasoning_tokens: 0 });
  });

  it("answers response_format json_schema with a sample of the schema", async () => {
    const completion = await openai.chat.completions.create({
      model,
      messages: [{ role: "user", content: "Extract the event." }],
      response_format: { type: "json_schema", json_schema: { name: "event", strict: true, schema: eventSchema } },
    });
    const value = JSON.parse(completion.choices[0].message.content!);
    expect(Object.keys(value).sort()).toEqual(["count", "day", "participants"]);
  });

  it("returns tool_calls with finish_reason tool_calls, then text after the tool message", async () => {
    server.script({
      model,
      reply: { toolCalls: [{ name: "get_weather", args: { city: "Boston", unit: "celsius" } }] },
      times: 1,
    });
    const tools = [{ type: "function" as const, function: weatherTool }];
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "Weather in Boston?" }];

    const first = await openai.chat.completions.create({ model, messages, tools });
    const choice = first.choices[0];
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0];
    if (call.type !== "function") throw new Error("expected a function tool call");
    expect(call.id).toMatch(/^call_/);
    expect(JSON.parse(call.function.arguments)).toEqual({ city: "Boston", unit: "celsius" });

    const second = await openai.chat.completions.create({
      model,
      tools,
      messages: [...messages, choice.message, { role: "tool", tool_call_id: call.id, content: '{"temperature":22}' }],
    });
    expect(second.choices[0].finish_reason).toBe("stop");
    expect(second.choices[0].message.content).toMatch(/^Answer to: Weather in Boston\?/);
  });

  it("takes a multi-turn conversation with an image part", async () => {
    const completion = await openai.chat.completions.create({
      model,
      messages: [
        { role: "system", content: "Be brief." },
        {
          role: "user",
          content: [
            { type: "text", text: "What is in this image?" },
            { type: "image_url", image_url: { url: `data:image/png;base64,${png}` } },
          ],
        },
        { role: "assistant", content: "A pixel." },
        { role: "user", content: "Which colour?" },
      ],
    });
    expect(completion.choices[0].message.content).toMatch(/^Answer to: Which colour\?/);
  });
});

describe("OpenAI failures", () => {
  it("surfaces an injected 429 with its message, request id and retry-after", async () => {
    server.failNext({ status: 429, retryAfterSeconds: 7, message: "Slow down, please." });
    const error = await caught(openai.responses.create({ model, input: "Hi" }));

    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.status).toBe(429);
    expect(error.message).toBe("429 Slow down, please.");
    expect(error.code).toBe("rate_limit_exceeded");
    expect(error.type).toBe("requests");
    expect(error.requestID).toMatch(/^req_[0-9a-f]{32}$/);
    expect(error.headers?.get("retry-after")).toBe("7");
    expect((await openai.responses.create({ model, input: "Hi" })).status).toBe("completed");
  });

  it("sends retry-after-ms and a server_error body for a 500", async () => {
    server.failNext({ status: 500, retryAfterMs: 1500 });
    const error = await caught(openai.chat.completions.create({ model, messages: [{ role: "user", content: "Hi" }] }));

    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(error.type).toBe("server_error");
    expect(error.headers?.get("retry-after-ms")).toBe("1500");
    expect(error.headers?.get("retry-after")).toBe("2");
  });

  it("rejects malformed bodies with 400s naming the parameter", async () => {
    const cases: [Promise<unknown>, string, string][] = [
      [openai.responses.create({ model } as never), "input", "missing_required_parameter"],
      [openai.responses.create({ input: "Hi" } as never), "model", "missing_required_parameter"],
      [openai.responses.create({ model, input: "Hi", max_tokens: 5 } as never), "max_tokens", "unknown_parameter"],
      [
        openai.responses.create({ model, input: "Hi", text: { format: { type: "json_schema", schema: {} } } } as never),
        "text.format.name",
        "missing_required_parameter",
      ],
      [
        openai.responses.create({
          model,
          input: "Hi",
          tools: [{ type: "function", function: weatherTool }],
        } as never),
        "tools[0].function",
        "unknown_parameter",
      ],
      [openai.chat.completions.create({ model } as never), "messages", "missing_required_parameter"],
      [openai.chat.completions.create({ model, messages: [], input: "x" } as never), "input", "unknown_parameter"],
    ];
    for (const [promise, param, code] of cases) {
      const error = await caught(promise);
      expect(error).toBeInstanceOf(OpenAI.BadRequestError);
      expect({ param: error.param, code: error.code }).toEqual({ param, code });
      expect(error.type).toBe("invalid_request_error");
    }
    expect(server.requests.map((request) => request.status)).toEqual(cases.map(() => 400));
  });

  it("rejects tool results that answer no tool call", async () => {
    const orphanOutput = await caught(
      openai.responses.create({ model, input: [{ type: "function_call_output", call_id: "call_x", output: "1" }] }),
    );
    expect(orphanOutput.message).toBe("400 No tool call found for function call output with call_id call_x.");

    const orphanTool = await caught(
      openai.chat.completions.create({ model, messages: [{ role: "tool", tool_call_id: "call_x", content: "1" }] }),
    );
    expect(orphanTool.param).toBe("messages[0].role");
  });

  it("answers a wrong key with 401 invalid_api_key, without echoing the key", async () => {
    const strict = await startFakeProviderServer({ apiKeys: { openai: "sk-the-right-key-123" } });
    try {
      const wrong = new OpenAI({ apiKey: "sk-a-wrong-key-456789", baseURL: `${strict.url}/v1`, maxRetries: 0 });
      const error = await caught(wrong.responses.create({ model, input: "Hi" }));
      expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(error.code).toBe("invalid_api_key");
      expect(error.message).not.toContain("sk-a-wrong-key-456789");
      const right = await strict.clientsFor().openai.responses.create({ model, input: "Hi" });
      expect(right.status).toBe("completed");
    } finally {
      await strict.close();
    }
  });

  it("answers missing auth with 401 and unknown routes with 404 in OpenAI's shape", async () => {
    const unauthenticated = await fetch(`${server.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model, input: "Hi" }),
    });
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toMatchObject({ error: { type: "invalid_request_error", code: null } });

    const unknown = await fetch(`${server.url}/v1/nothing-here`, {
      method: "POST",
      headers: { authorization: "Bearer sk-fake" },
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: { message: "Invalid URL (POST /v1/nothing-here)", type: "invalid_request_error", param: null, code: null },
    });
    expect(unknown.headers.get("x-request-id")).toMatch(/^req_/);
  });
});

describe("OpenAI strict mode: the JSON schemas Structured Outputs takes", () => {
  const open = { type: "object", properties: { n: { type: "integer" } }, required: ["n"] };
  const withPattern = {
    type: "object",
    properties: { handle: { type: "string", pattern: "^(?!admin)[a-z]+$" } },
    required: ["handle"],
    additionalProperties: false,
  };
  const withAllOf = {
    type: "object",
    properties: { n: { allOf: [{ type: "integer" }] } },
    required: ["n"],
    additionalProperties: false,
  };

  it("refuses a strict response format the API cannot take, with its body (Responses)", async () => {
    const ask = (schema: Record<string, unknown>, strict: boolean) =>
      openai.responses.create({
        model,
        input: "Count.",
        text: { format: { type: "json_schema", name: "count", schema, strict } },
      });
    const error = await caught(ask(open, true));
    expect(error.status).toBe(400);
    expect(error.error).toEqual({
      message:
        "Invalid schema for response_format 'count': In context=(), 'additionalProperties' is required to be supplied and to be false.",
      type: "invalid_request_error",
      param: "text.format.schema",
      code: "invalid_json_schema",
    });
    expect((await caught(ask(withPattern, true))).message).toContain(
      "Invalid JSON schema: regex lookaround is not supported. Found at $.properties.handle.pattern.",
    );
    expect((await caught(ask(withAllOf, true))).message).toContain(
      "In context=('properties', 'n'), 'allOf' is not permitted.",
    );
    for (const schema of [open, withPattern, withAllOf]) {
      await expect(ask(schema, false)).resolves.toMatchObject({ status: "completed" });
    }
  });

  it("refuses a strict Chat response format and a strict function, not the same schemas when not strict", async () => {
    const error = await caught(
      openai.chat.completions.create({
        model,
        messages: [{ role: "user", content: "Count." }],
        response_format: { type: "json_schema", json_schema: { name: "count", schema: open, strict: true } },
      }),
    );
    expect(error.error).toMatchObject({ param: "response_format", code: "invalid_json_schema" });
    const tool = (strict: boolean) =>
      openai.chat.completions.create({
        model,
        messages: [{ role: "user", content: "Count." }],
        tools: [{ type: "function", function: { name: "count", parameters: open, strict } }],
      });
    expect((await caught(tool(true))).error).toMatchObject({
      message:
        "Invalid schema for function 'count': In context=(), 'additionalProperties' is required to be supplied and to be false.",
      param: "tools[0].function.parameters",
      code: "invalid_function_parameters",
    });
    await expect(tool(false)).resolves.toMatchObject({ object: "chat.completion" });
  });

  it("assumes a Responses function tool is strict unless it says strict: false", async () => {
    const tool = (extra: Record<string, unknown>) =>
      openai.responses.create({
        model,
        input: "Count.",
        tools: [
          { type: "function", name: "count", parameters: open, ...extra } as unknown as OpenAI.Responses.FunctionTool,
        ],
      });
    expect((await caught(tool({}))).error).toMatchObject({ param: "tools[0].parameters" });
    await expect(tool({ strict: false })).resolves.toMatchObject({ status: "completed" });
    const notObject = await caught(tool({ strict: false, parameters: { type: "string" } }));
    expect(notObject.message).toContain(
      `Invalid schema for function 'count': schema must be a JSON Schema of 'type: "object"', got 'type: "string"'.`,
    );
  });
});
