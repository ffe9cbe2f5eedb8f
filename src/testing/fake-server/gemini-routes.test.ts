import { ApiError, type GoogleGenAI, GoogleGenAI as GoogleGenAIClient, Type } from "@google/genai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeProviderServer } from "./fake-provider-server.js";
import type { FakeProviderServer } from "./fake-server-types.js";
import { geminiSchemaToJsonSchema } from "./gemini-schema.js";

const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";
const model = "gemini-2.5-flash";
const divide = {
  name: "customDivide",
  description: "Custom divide function",
  parameters: {
    type: Type.OBJECT,
    properties: { numerator: { type: Type.NUMBER }, denominator: { type: Type.NUMBER } },
    required: ["numerator", "denominator"],
  },
};

let server: FakeProviderServer;
let google: GoogleGenAI;

beforeEach(async () => {
  server = await startFakeProviderServer();
  google = server.clientsFor().google as GoogleGenAI;
});
afterEach(() => server.close());

/** The SDK's error and the provider body it carries as JSON text. */
async function caught(
  promise: Promise<unknown>,
): Promise<{ status: number; body: { error: Record<string, unknown> } }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return { status: error.status, body: JSON.parse(error.message) };
    throw error;
  }
  throw new Error("expected the call to fail");
}

function rawRequest(path: string, body: unknown, headers: Record<string, string> = { "x-goog-api-key": "fake" }) {
  return fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

describe("Gemini generateContent", () => {
  it("answers text deterministically, shaped like the fixtures", async () => {
    const first = await google.models.generateContent({
      model,
      contents: "high",
      config: { systemInstruction: "I say high you say low" },
    });
    const second = await google.models.generateContent({ model, contents: "high" });

    expect(first.text).toMatch(/^Answer to: high \[[0-9a-f]{8}\]$/);
    expect(second.text).toBe(first.text);
    expect(first.candidates?.[0]).toMatchObject({ finishReason: "STOP", index: 0, content: { role: "model" } });
    expect(first.modelVersion).toBe(model);
    expect(first.responseId).toMatch(/^[0-9A-Za-z]{23}$/);
    const usage = first.usageMetadata!;
    expect(usage.totalTokenCount).toBe(usage.promptTokenCount! + usage.candidatesTokenCount!);
    expect(usage.promptTokensDetails).toEqual([{ modality: "TEXT", tokenCount: usage.promptTokenCount }]);
    expect(server.requests[0]).toMatchObject({
      provider: "google",
      model,
      path: `/v1beta/models/${model}:generateContent`,
    });
  });

  it("answers responseJsonSchema with a sample of the schema", async () => {
    const response = await google.models.generateContent({
      model,
      contents: "populate the following object",
      config: {
        responseMimeType: "application/json",
        responseJsonSchema: {
          type: "object",
          properties: {
            simpleString: { type: "string" },
            nullableField: { type: ["string", "null"] },
            stringWithEnum: { type: "string", enum: ["enumvalue1", "enumvalue2"] },
            numberWithMinMax: { type: "number", minimum: 1, maximum: 10 },
          },
          required: ["simpleString", "nullableField", "stringWithEnum", "numberWithMinMax"],
        },
      },
    });
    const value = JSON.parse(response.text!);
    expect(typeof value.simpleString).toBe("string");
    expect(typeof value.nullableField).toBe("string");
    expect(["enumvalue1", "enumvalue2"]).toContain(value.stringWithEnum);
    expect(value.numberWithMinMax).toBeGreaterThanOrEqual(1);
    expect(value.numberWithMinMax).toBeLessThanOrEqual(10);
  });

  it("answers an OpenAPI responseSchema (uppercase types) with a sample of it", async () => {
    const response = await google.models.generateContent({
      model,
      contents: "List recipes.",
      config: {
        responseMimeType: "application/json",
        responseSchema: {
          type: Type.ARRAY,
          minItems: "2",
          maxItems: "2",
          items: {
            type: Type.OBJECT,
            properties: { recipeName: { type: Type.STRING }, minutes: { type: Type.INTEGER, nullable: true } },
            required: ["recipeName", "minutes"],
          },
        },
      },
    });
    const value = JSON.parse(response.text!);
    expect(value).toHaveLength(2);
    expect(typeof value[0].recipeName).toBe("string");
    expect(Number.isInteger(value[0].minutes)).toBe(true);
  });

  it("returns scripted functionCall parts with finishReason STOP, then text after the functionResponse", async () => {
    server.script({
      provider: "google",
      match: "100/2",
      reply: { toolCalls: [{ name: "customDivide", args: { numerator: 100, denominator: 2 } }] },
      times: 1,
    });
    const config = { tools: [{ functionDeclarations: [divide] }] };
    const question = { role: "user", parts: [{ text: "what is the result of 100/2" }] };

    const first = await google.models.generateContent({ model, contents: [question], config });
    expect(first.candidates?.[0].finishReason).toBe("STOP");
    expect(first.candidates?.[0].content?.parts).toEqual([
      { functionCall: { name: "customDivide", args: { numerator: 100, denominator: 2 } } },
    ]);
    expect(first.functionCalls).toEqual([{ name: "customDivide", args: { numerator: 100, denominator: 2 } }]);

    const second = await google.models.generateContent({
      model,
      config,
      contents: [
        question,
        first.candidates![0].content!,
        { role: "user", parts: [{ functionResponse: { name: "customDivide", response: { result: 50 } } }] },
      ],
    });
    expect(second.functionCalls).toBeUndefined();
    expect(second.text).toMatch(/^Answer to: what is the result of 100\/2/);
  });

  it("with autoToolCalls samples arguments from an OpenAPI parameters schema", async () => {
    const auto = await startFakeProviderServer({ autoToolCalls: true });
    try {
      const response = await (auto.clientsFor().google as GoogleGenAI).models.generateContent({
        model,
        contents: "Divide something.",
        config: { tools: [{ functionDeclarations: [divide] }] },
      });
      const [call] = response.functionCalls!;
      expect(call.name).toBe("customDivide");
      expect(typeof call.args?.numerator).toBe("number");
      expect(typeof call.args?.denominator).toBe("number");
    } finally {
      await auto.close();
    }
  });

  it("takes a multi-turn conversation with an inlineData image", async () => {
    const response = await google.models.generateContent({
      model,
      contents: [
        {
          role: "user",
          parts: [{ inlineData: { mimeType: "image/png", data: png } }, { text: "What is in this image?" }],
        },
        { role: "model", parts: [{ text: "A pixel." }] },
        { role: "user", parts: [{ text: "What colour?" }] },
      ],
    });
    expect(response.text).toMatch(/^Answer to: What colour\?/);
    expect(server.requests[0].headers["x-goog-api-key"]).toBe("[redacted]");
  });

  it("serves the v1 path too", async () => {
    const v1 = new GoogleGenAIClient({ apiKey: "fake", httpOptions: { baseUrl: server.url, apiVersion: "v1" } });
    const response = await v1.models.generateContent({ model, contents: "Hi" });
    expect(response.text).toMatch(/^Answer to: Hi/);
    expect(server.requests[0].path).toBe(`/v1/models/${model}:generateContent`);
  });
});

describe("Gemini failures", () => {
  it("surfaces an injected 429 as RESOURCE_EXHAUSTED with a RetryInfo detail", async () => {
    server.failNext({ status: 429, retryAfterSeconds: 26 });
    const { status, body } = await caught(google.models.generateContent({ model, contents: "Hi" }));
    expect(status).toBe(429);
    expect(body.error).toMatchObject({ code: 429, status: "RESOURCE_EXHAUSTED" });
    expect(body.error.details).toContainEqual({
      "@type": "type.googleapis.com/google.rpc.RetryInfo",
      retryDelay: "26s",
    });
  });

  it("surfaces an injected 503 as UNAVAILABLE with the given message", async () => {
    server.failNext({ status: 503, message: "The model is overloaded." });
    const { status, body } = await caught(google.models.generateContent({ model, contents: "Hi" }));
    expect(status).toBe(503);
    expect(body.error).toMatchObject({
      code: 503,
      status: "UNAVAILABLE",
      message: "The model is overloaded.",
      details: [],
    });
  });

  it("rejects unknown fields and missing contents with 400 INVALID_ARGUMENT", async () => {
    const unknown = await caught(
      google.models.generateContent({ model, contents: "Hi", config: { httpOptions: { extraBody: { foo: 1 } } } }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({
      status: "INVALID_ARGUMENT",
      message: 'Invalid JSON payload received. Unknown name "foo": Cannot find field.',
    });

    const misplaced = await caught(
      google.models.generateContent({
        model,
        contents: "Hi",
        config: { httpOptions: { extraBody: { generationConfig: { response_format: "json" } } } },
      }),
    );
    expect(misplaced.body.error.message).toBe(
      "Invalid JSON payload received. Unknown name \"response_format\" at 'generation_config': Cannot find field.",
    );

    const noContents = await rawRequest(`/v1beta/models/${model}:generateContent`, { generationConfig: {} });
    expect(noContents.status).toBe(400);
    expect(await noContents.json()).toMatchObject({
      error: { message: "* GenerateContentRequest.contents: contents is not specified\n" },
    });

    const badRole = await rawRequest(`/v1beta/models/${model}:generateContent`, {
      contents: [{ role: "assistant", parts: [{ text: "Hi" }] }],
    });
    expect(await badRole.json()).toMatchObject({ error: { message: "Please use a valid role: user, model." } });
  });

  it("answers a missing key with 403 and a wrong key with 400 API_KEY_INVALID", async () => {
    const missing = await rawRequest(`/v1beta/models/${model}:generateContent`, { contents: [] }, {});
    expect(missing.status).toBe(403);
    expect(await missing.json()).toMatchObject({ error: { code: 403, status: "PERMISSION_DENIED" } });

    const strict = await startFakeProviderServer({ apiKeys: { google: "right-key" } });
    try {
      const wrong = new GoogleGenAIClient({
        apiKey: "wrong-key",
        httpOptions: { baseUrl: strict.url, apiVersion: "v1beta" },
      });
      const { status, body } = await caught(wrong.models.generateContent({ model, contents: "Hi" }));
      expect(status).toBe(400);
      expect(body.error.details).toContainEqual(expect.objectContaining({ reason: "API_KEY_INVALID" }));
      expect(
        (await (strict.clientsFor().google as GoogleGenAI).models.generateContent({ model, contents: "Hi" })).text,
      ).toBeDefined();
    } finally {
      await strict.close();
    }
  });

  it("answers unknown routes with 404 NOT_FOUND", async () => {
    const response = await rawRequest("/v1beta/models/x:countTokens", { contents: [] });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 404, status: "NOT_FOUND" } });
  });
});

describe("geminiSchemaToJsonSchema", () => {
  it("lower-cases types, turns nullable into a null type and int64 counts into numbers", () => {
    expect(
      geminiSchemaToJsonSchema({
        type: "OBJECT",
        propertyOrdering: ["a"],
        properties: { a: { type: "STRING", nullable: true, maxLength: "5" }, b: { anyOf: [{ type: "INTEGER" }] } },
      }),
    ).toEqual({
      type: "object",
      properties: { a: { type: ["string", "null"], maxLength: 5 }, b: { anyOf: [{ type: "integer" }] } },
    });
  });
});

describe("Gemini responseJsonSchema and parametersJsonSchema", () => {
  const ask = (schema: Record<string, unknown>) =>
    google.models.generateContent({
      model,
      contents: "Describe it.",
      config: { responseMimeType: "application/json", responseJsonSchema: schema },
    });
  const tree = (required: string[]) => ({
    type: "object",
    properties: { name: { type: "string" }, children: { type: "array", items: { $ref: "#" } } },
    required,
  });

  it("refuses a $ref with siblings, and recursion through required properties only", async () => {
    const sibling = await caught(
      ask({
        type: "object",
        properties: { a: { $ref: "#/$defs/A", type: "object" } },
        $defs: { A: { type: "object", properties: { x: { type: "string" } } } },
      }),
    );
    expect(sibling.status).toBe(400);
    expect(sibling.body.error).toMatchObject({
      code: 400,
      status: "INVALID_ARGUMENT",
      message:
        "$ref 'A' was set alongside unsupported fields. If a schema node has $ref set, then only description and default can be set alongside it",
    });
    const cycle = await caught(ask(tree(["name", "children"])));
    expect(cycle.body.error).toMatchObject({ code: 400, status: "INVALID_ARGUMENT" });
    const declarations = [{ name: "walk", parametersJsonSchema: tree(["name", "children"]) }];
    const toolCycle = await caught(
      google.models.generateContent({
        model,
        contents: "Walk.",
        config: { tools: [{ functionDeclarations: declarations }] },
      }),
    );
    expect(toolCycle.status).toBe(400);
    await expect(ask(tree(["name"]))).resolves.toBeDefined();
  });

  it("answers as a model that never saw the keywords Gemini ignores, and reads the description", async () => {
    const response = await ask({
      type: "object",
      properties: {
        ignored: { type: "string", pattern: "^[0-9]{4}$" },
        described: { type: "string", description: '{pattern: "^[0-9]{4}$"}' },
        kept: { type: "integer", minimum: 40, maximum: 42 },
      },
      required: ["ignored", "described", "kept"],
    });
    const value = JSON.parse(response.text ?? "");
    expect(value.ignored).not.toMatch(/^[0-9]{4}$/);
    expect(value.described).toMatch(/^[0-9]{4}$/);
    expect([40, 41, 42]).toContain(value.kept);
  });
});
