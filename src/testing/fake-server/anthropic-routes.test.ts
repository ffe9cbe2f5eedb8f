import Anthropic from "@anthropic-ai/sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rejectionOf } from "../../../test/rejection.js";
import { startFakeProviderServer } from "./fake-provider-server.js";
import type { FakeProviderServer } from "./fake-server-types.js";

const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
const model = "claude-sonnet-4-6";
const weatherTool = {
  name: "get_weather",
  description: "Weather for a city",
  input_schema: {
    type: "object" as const,
    properties: { city: { type: "string" }, days: { type: "integer", minimum: 1, maximum: 7 } },
    required: ["city", "days"],
  },
};

let server: FakeProviderServer;
let anthropic: Anthropic;

beforeEach(async () => {
  server = await startFakeProviderServer();
  anthropic = server.clientsFor().anthropic;
});
afterEach(() => server.close());

const caught = (promise: Promise<unknown>) =>
  rejectionOf<InstanceType<typeof Anthropic.APIError>>(promise, Anthropic.APIError);

/** A raw request as SDK 0.x sends it: `x-api-key` and version 2023-06-01. */
function legacyRequest(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}/v1/messages`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": "sk-ant-fake",
      "anthropic-version": "2023-06-01",
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

describe("Anthropic Messages", () => {
  it("answers text deterministically, shaped like the fixtures", async () => {
    const request = { model, max_tokens: 256, messages: [{ role: "user" as const, content: "Say hello." }] };
    const first = await anthropic.messages.create(request);
    const second = await anthropic.messages.create(request);

    expect(first.id).toMatch(/^msg_01[0-9A-Za-z]{22}$/);
    expect(first).toMatchObject({
      type: "message",
      role: "assistant",
      model,
      stop_reason: "end_turn",
      stop_sequence: null,
    });
    expect(first.content).toEqual([
      { type: "text", text: expect.stringMatching(/^Answer to: Say hello\. \[[0-9a-f]{8}\]$/) },
    ]);
    expect(second.content).toEqual(first.content);
    expect(first._request_id).toMatch(/^req_011C/);
    expect(first.usage).toMatchObject({
      input_tokens: expect.any(Number),
      output_tokens: expect.any(Number),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      service_tier: "standard",
    });
    // Version 2026-10-21 (sent by SDK 1.x) adds these nullable fields.
    expect(first).toMatchObject({ stop_details: null, container: null, diagnostics: null });
  });

  it("answers output_config json_schema with a sample of the schema", async () => {
    const schema = {
      type: "object",
      properties: {
        city: { type: "string" },
        temperature: { type: "number" },
        conditions: { type: "array", items: { type: "string" } },
      },
      required: ["city", "temperature", "conditions"],
      additionalProperties: false,
    };
    const message = await anthropic.messages.create({
      model,
      max_tokens: 1024,
      messages: [{ role: "user", content: "What is the weather in SF?" }],
      output_config: { format: { type: "json_schema", schema } },
    });
    const block = message.content[0];
    if (block.type !== "text") throw new Error(`expected a text block, got ${block.type}`);
    const value = JSON.parse(block.text);
    expect(typeof value.city).toBe("string");
    expect(typeof value.temperature).toBe("number");
    expect(Array.isArray(value.conditions)).toBe(true);
  });

  it("returns scripted tool_use blocks with stop_reason tool_use, then text after the tool_result", async () => {
    server.script({
      provider: "anthropic",
      match: (context) => !context.afterToolResult,
      reply: { text: "Let me check.", toolCalls: [{ name: "get_weather", args: { city: "Paris", days: 2 } }] },
    });
    const messages: Anthropic.MessageParam[] = [{ role: "user", content: "Weather in Paris?" }];
    const first = await anthropic.messages.create({ model, max_tokens: 256, messages, tools: [weatherTool] });

    expect(first.stop_reason).toBe("tool_use");
    expect(first.content[0]).toEqual({ type: "text", text: "Let me check." });
    const toolUse = first.content[1];
    if (toolUse.type !== "tool_use") throw new Error(`expected tool_use, got ${toolUse.type}`);
    expect(toolUse.id).toMatch(/^toolu_01/);
    expect(toolUse).toMatchObject({ name: "get_weather", input: { city: "Paris", days: 2 } });

    const second = await anthropic.messages.create({
      model,
      max_tokens: 256,
      tools: [weatherTool],
      messages: [
        ...messages,
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: toolUse.id, content: "Sunny, 21°C" }] },
      ],
    });
    expect(second.stop_reason).toBe("end_turn");
    expect(second.content).toEqual([{ type: "text", text: expect.stringMatching(/^Answer to: Weather in Paris\?/) }]);
  });

  it("with autoToolCalls calls the first tool with arguments sampled from input_schema", async () => {
    const auto = await startFakeProviderServer({ autoToolCalls: true });
    try {
      const message = await auto.clientsFor().anthropic.messages.create({
        model,
        max_tokens: 256,
        messages: [{ role: "user", content: "Weather?" }],
        tools: [weatherTool],
      });
      expect(message.content).toHaveLength(1);
      const toolUse = message.content[0];
      if (toolUse.type !== "tool_use") throw new Error(`expected tool_use, got ${toolUse.type}`);
      const input = toolUse.input as { city: unknown; days: number };
      expect(typeof input.city).toBe("string");
      expect(input.days).toBeGreaterThanOrEqual(1);
      expect(input.days).toBeLessThanOrEqual(7);
    } finally {
      await auto.close();
    }
  });

  it("takes a multi-turn conversation with an image block", async () => {
    const message = await anthropic.messages.create({
      model,
      max_tokens: 256,
      system: "Describe images briefly.",
      messages: [
        {
          role: "user",
          content: [
            { type: "image", source: { type: "base64", media_type: "image/png", data: png } },
            { type: "text", text: "What is in this image?" },
          ],
        },
        { role: "assistant", content: "One pixel." },
        { role: "user", content: "What colour is the pixel?" },
      ],
    });
    expect(message.content[0]).toMatchObject({ text: expect.stringMatching(/^Answer to: What colour is the pixel\?/) });
    expect(server.requests[0].headers).toMatchObject({
      authorization: "Bearer [redacted]",
      "anthropic-version": "2026-10-21",
    });
  });

  it("accepts SDK 0.x requests: x-api-key, version 2023-06-01, temperature", async () => {
    const response = await legacyRequest({
      model,
      max_tokens: 64,
      temperature: 0.2,
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("request-id")).toMatch(/^req_/);
    const body = await response.json();
    expect(body).toMatchObject({ type: "message", stop_reason: "end_turn" });
    expect(body).not.toHaveProperty("stop_details");
    expect(server.requests[0].headers["x-api-key"]).toBe("[redacted]");
  });
});

describe("Anthropic failures", () => {
  it("surfaces an injected 529 overloaded_error with request id and retry-after", async () => {
    server.failNext({ status: 529, retryAfterSeconds: 3 });
    const error = await caught(
      anthropic.messages.create({ model, max_tokens: 16, messages: [{ role: "user", content: "Hi" }] }),
    );

    expect(error).toBeInstanceOf(Anthropic.OverloadedError);
    expect(error.status).toBe(529);
    expect(error.type).toBe("overloaded_error");
    expect(error.apiMessage).toBe("Overloaded");
    expect(error.requestID).toMatch(/^req_011C/);
    expect((error.error as { request_id: string }).request_id).toBe(error.requestID);
    expect(error.headers?.get("retry-after")).toBe("3");
  });

  it("surfaces an injected 429 rate_limit_error with the given message", async () => {
    server.failNext({ status: 429, message: "Too many requests for this test.", provider: "anthropic" });
    const error = await caught(
      anthropic.messages.create({ model, max_tokens: 16, messages: [{ role: "user", content: "Hi" }] }),
    );
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(error.type).toBe("rate_limit_error");
    expect(error.apiMessage).toBe("Too many requests for this test.");
  });

  it("rejects malformed bodies with 400 invalid_request_error", async () => {
    const messages = [{ role: "user" as const, content: "Hi" }];
    const cases: [Promise<unknown>, string][] = [
      [anthropic.messages.create({ model, messages } as never), "max_tokens: Field required"],
      [anthropic.messages.create({ model, max_tokens: 16 } as never), "messages: Field required"],
      [
        anthropic.messages.create({ model, max_tokens: 0, messages }),
        "max_tokens: Input should be greater than or equal to 1",
      ],
      [
        anthropic.messages.create({ model, max_tokens: 16, messages, n: 2 } as never),
        "n: Extra inputs are not permitted",
      ],
      [
        anthropic.messages.create({ model, max_tokens: 16, messages, temperature: 1 } as never),
        "temperature: Extra inputs are not permitted (removed in anthropic-version 2026-10-21)",
      ],
      [
        anthropic.messages.create({
          model,
          max_tokens: 16,
          messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_x", content: "1" }] }],
        }),
        "messages.0.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_x. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.",
      ],
      [
        anthropic.messages.create({
          model,
          max_tokens: 16,
          messages: [
            {
              role: "user",
              content: [{ type: "image", source: { type: "base64", media_type: "image/bmp", data: png } }],
            },
          ],
        } as never),
        "messages.0.content.0.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif', 'image/webp'",
      ],
      [
        anthropic.messages.create({ model, max_tokens: 16, messages: [{ role: "user", content: "" }] }),
        "messages.0: all messages must have non-empty content except for the optional final assistant message",
      ],
      [
        anthropic.messages.create({ model, max_tokens: 16, messages: [{ role: "user", content: [] }] }),
        "messages.0: all messages must have non-empty content except for the optional final assistant message",
      ],
      [
        anthropic.messages.create({
          model,
          max_tokens: 16,
          messages: [{ role: "user", content: [{ type: "text", text: "" }] }],
        }),
        "messages: text content blocks must be non-empty",
      ],
      [
        anthropic.messages.create({ model, max_tokens: 16, messages: [{ role: "user", content: " \n" }] }),
        "messages: text content blocks must contain non-whitespace text",
      ],
    ];
    for (const [promise, message] of cases) {
      const error = await caught(promise);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect(error.type).toBe("invalid_request_error");
      expect(error.apiMessage).toBe(message);
    }
  });

  it("rejects document blocks in assistant turns under 2026-10-21 but not under 2023-06-01", async () => {
    const body = {
      model,
      max_tokens: 16,
      messages: [
        { role: "user", content: "Read this." },
        {
          role: "assistant",
          content: [{ type: "document", source: { type: "text", media_type: "text/plain", data: "x" } }],
        },
        { role: "user", content: "Summarise." },
      ],
    };
    const error = await caught(anthropic.messages.create(body as never));
    expect(error.status).toBe(400);
    expect((await legacyRequest(body)).status).toBe(200);
  });

  it("answers missing or wrong keys with 401 and a bad version with 400", async () => {
    const missing = await legacyRequest({ model, max_tokens: 16, messages: [] }, { "x-api-key": "" });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({
      type: "error",
      error: { type: "authentication_error", message: "x-api-key header is required" },
      request_id: expect.stringMatching(/^req_/),
    });
    const badVersion = await legacyRequest(
      { model, max_tokens: 16, messages: [] },
      { "anthropic-version": "2020-01-01" },
    );
    expect(badVersion.status).toBe(400);

    const strict = await startFakeProviderServer({ apiKeys: { anthropic: "sk-ant-right" } });
    try {
      const wrong = new Anthropic({ apiKey: "sk-ant-wrong", baseURL: strict.url, maxRetries: 0 });
      const error = await caught(
        wrong.messages.create({ model, max_tokens: 16, messages: [{ role: "user", content: "Hi" }] }),
      );
      expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
      expect(error.apiMessage).toBe("invalid x-api-key");
    } finally {
      await strict.close();
    }
  });

  it("answers unknown routes with 404 not_found_error", async () => {
    const unknown = await fetch(`${server.url}/v1/messages/nothing`, {
      method: "POST",
      headers: { "x-api-key": "sk-ant-fake", "anthropic-version": "2023-06-01" },
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } });
  });
});

describe("Anthropic Messages: the JSON schemas constrained decoding takes", () => {
  const format = (schema: Record<string, unknown>) => ({
    model,
    max_tokens: 64,
    messages: [{ role: "user" as const, content: "Rate it." }],
    output_config: { format: { type: "json_schema" as const, schema } },
  });
  const closed = (properties: Record<string, unknown>) => ({
    type: "object",
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  });

  it("refuses a minimum on an integer with the API's body", async () => {
    const error = await caught(anthropic.messages.create(format(closed({ n: { type: "integer", minimum: 1 } }))));
    expect(error.status).toBe(400);
    expect(error.error).toEqual({
      type: "error",
      error: {
        type: "invalid_request_error",
        message: "output_config.format.schema: For 'integer' type, property 'minimum' is not supported",
      },
      request_id: expect.stringMatching(/^req_011C/),
    });
  });

  it("names every refused property of zod's int() bounds, string lengths, other minItems, open objects and recursion", async () => {
    const refusals: [Record<string, unknown>, string][] = [
      [
        closed({ n: { type: "integer", minimum: -9007199254740991, maximum: 9007199254740991 } }),
        "For 'integer' type, properties maximum, minimum are not supported",
      ],
      [closed({ s: { type: "string", maxLength: 5 } }), "For 'string' type, property 'maxLength' is not supported"],
      [
        closed({ a: { type: "array", items: { type: "string" }, minItems: 2 } }),
        "For 'array' type, 'minItems' values other than 0 or 1 are not supported",
      ],
      [
        { type: "object", properties: { n: { type: "integer" } }, required: ["n"] },
        "For 'object' type, 'additionalProperties' must be explicitly set to false",
      ],
      [closed({ child: { $ref: "#" } }), "Recursive schemas are not supported"],
    ];
    for (const [schema, message] of refusals) {
      const error = await caught(anthropic.messages.create(format(schema)));
      expect(error.status).toBe(400);
      expect((error.error as { error: { message: string } }).error.message).toBe(
        `output_config.format.schema: ${message}`,
      );
    }
  });

  it("takes the subset, constraints in descriptions included, and answers within them", async () => {
    const schema = closed({
      n: { type: "integer", description: "{minimum: 10, maximum: 12}" },
      code: { type: "string", description: '{pattern: "^[A-Z]{2}\\\\d$"}' },
      tags: { type: "array", items: { type: "string" }, minItems: 1 },
    });
    const message = await anthropic.messages.create(format(schema));
    const block = message.content[0];
    const value = JSON.parse(block.type === "text" ? block.text : "");
    expect(value.n).toBeGreaterThanOrEqual(10);
    expect(value.n).toBeLessThanOrEqual(12);
    expect(value.code).toMatch(/^[A-Z]{2}\d$/);
  });

  it("checks a tool's schema only when it is strict; every input_schema is an object", async () => {
    const request = (tool: Record<string, unknown>) => ({
      model,
      max_tokens: 64,
      messages: [{ role: "user" as const, content: "Weather?" }],
      tools: [tool as unknown as Anthropic.Tool],
    });
    await expect(anthropic.messages.create(request(weatherTool))).resolves.toMatchObject({ type: "message" });
    const strict = await caught(anthropic.messages.create(request({ ...weatherTool, strict: true })));
    expect((strict.error as { error: { message: string } }).error.message).toBe(
      "tools.0.custom: For 'object' type, 'additionalProperties' must be explicitly set to false",
    );
    const notObject = await caught(
      anthropic.messages.create(request({ name: "pick", input_schema: { anyOf: [{ type: "string" }] } })),
    );
    expect((notObject.error as { error: { message: string } }).error.message).toBe(
      "tools.0.custom.input_schema.type: Field required",
    );
  });
});
