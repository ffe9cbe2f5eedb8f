import { describe, expect, it } from "vitest";
import { providerPayloads } from "../../../test/fixtures/provider-payloads.js";
import type { LLMRequest, Message } from "../../core/llm.js";
import { fromGeminiResponse } from "./from-gemini-response.js";
import { toGeminiRequest } from "./to-gemini-request.js";
import { toGeminiRestBody } from "./to-gemini-rest-body.js";

const payloads = providerPayloads;
const fixtures = payloads.gemini;

const user = (text: string): Message => ({ role: "user", content: [{ type: "text", text }] });
const divide = {
  name: "customDivide",
  description: "Custom divide function",
  parameters: {
    type: "object",
    properties: { denominator: { type: "number" }, numerator: { type: "number" } },
  },
};

describe("toGeminiRestBody against the recorded request bodies", () => {
  it("text_success_with_system_instruction: the whole body matches", () => {
    const body = toGeminiRestBody({
      provider: "google",
      model: "gemini-2.5-flash",
      instructions: "I say high you say low",
      messages: [user("high")],
    });
    expect(body).toEqual(fixtures.text_success_with_system_instruction.request);
  });

  it("structured_output: the whole body matches (responseMimeType + responseJsonSchema), string lengths described", () => {
    const recorded = fixtures.structured_output.request;
    const body = toGeminiRestBody({
      provider: "google",
      model: "gemini-2.5-flash",
      messages: [user("populate the following object")],
      schema: { name: "object", jsonSchema: recorded.generationConfig.responseJsonSchema },
    });
    // Gemini ignores `minLength`/`maxLength`: they travel in the description, where the model reads them.
    const { stringWithLength, ...properties } = recorded.generationConfig.responseJsonSchema.properties;
    const { minLength, maxLength, ...lengthless } = stringWithLength;
    const described = { ...lengthless, description: `{maxLength: ${maxLength}, minLength: ${minLength}}` };
    expect(body).toEqual({
      ...recorded,
      generationConfig: {
        ...recorded.generationConfig,
        responseJsonSchema: {
          ...recorded.generationConfig.responseJsonSchema,
          properties: { ...properties, stringWithLength: described },
        },
      },
    });
  });

  it("tool_call: contents and generationConfig match; the tool is declared with parametersJsonSchema", () => {
    const recorded = fixtures.tool_call.request;
    const body = toGeminiRestBody({
      provider: "google",
      model: "gemini-2.0-flash",
      messages: [user("what is the result of 100/2")],
      tools: [divide],
    });
    expect(body.contents).toEqual(recorded.contents);
    expect(body.generationConfig).toEqual(recorded.generationConfig);
    // The recording used `parameters` (Gemini's OpenAPI-subset schema, upper-case
    // types); the adapter sends the JSON Schema as is in `parametersJsonSchema`.
    const [recordedDeclaration] = recorded.tools[0].functionDeclarations;
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: recordedDeclaration.name,
            description: recordedDeclaration.description,
            parametersJsonSchema: divide.parameters,
          },
        ],
      },
    ]);
  });

  it("tool_result_request: the parsed call and its result round-trip to the recorded contents", () => {
    const recorded = fixtures.tool_result_request.body;
    const answer = fromGeminiResponse(fixtures.tool_call.body);
    const [call] = answer.toolCalls;
    const body = toGeminiRestBody({
      provider: "google",
      model: "gemini-2.0-flash",
      messages: [
        user("what is the result of 100/2"),
        { role: "assistant", content: [{ type: "tool-call", ...call }] },
        {
          role: "user",
          content: [{ type: "tool-result", toolCallId: call.id, name: call.name, output: { result: 50 } }],
        },
      ],
      tools: [divide],
    });
    // The call had no id in the response, so none is sent back.
    expect(body.contents).toEqual(recorded.contents);
    expect((body.tools as { functionDeclarations: { name: string }[] }[])[0].functionDeclarations[0].name).toBe(
      recorded.tools[0].functionDeclarations[0].name,
    );
  });

  it("image_base64_request: contents match", () => {
    const recorded = fixtures.image_base64_request.body;
    const image = recorded.contents[0].parts[0].inlineData;
    const body = toGeminiRestBody({
      provider: "google",
      model: "gemini-2.5-flash",
      messages: [
        {
          role: "user",
          content: [
            { type: "image", mediaType: image.mimeType, data: image.data },
            { type: "text", text: "What is in this image?" },
          ],
        },
      ],
    });
    expect(body).toEqual({ ...recorded, generationConfig: {} });
  });
});

describe("toGeminiRequest", () => {
  const base: LLMRequest = { provider: "google", model: "gemini-2.5-flash", messages: [user("Hi")] };

  it("maps instructions, options, schema and tools into a flat GenerateContentConfig", () => {
    const request = toGeminiRequest({
      ...base,
      instructions: "Be brief.",
      options: { temperature: 0.2, topP: 0.9, maxTokens: 64, stop: ["END"], seed: 7 },
      schema: { name: "answer", jsonSchema: { type: "object" } },
      tools: [divide],
      toolChoice: "required",
    });
    expect(request.model).toBe("gemini-2.5-flash");
    expect(request.contents).toEqual([{ role: "user", parts: [{ text: "Hi" }] }]);
    expect(request.config).toEqual({
      systemInstruction: { role: "user", parts: [{ text: "Be brief." }] },
      temperature: 0.2,
      topP: 0.9,
      maxOutputTokens: 64,
      stopSequences: ["END"],
      seed: 7,
      responseMimeType: "application/json",
      responseJsonSchema: { type: "object" },
      tools: [
        {
          functionDeclarations: [
            { name: "customDivide", description: "Custom divide function", parametersJsonSchema: divide.parameters },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: "ANY" } },
    });
  });

  it.each([
    ["auto", { mode: "AUTO" }],
    ["required", { mode: "ANY" }],
    ["none", { mode: "NONE" }],
    [{ name: "customDivide" }, { mode: "ANY", allowedFunctionNames: ["customDivide"] }],
  ] as const)("maps tool choice %j", (toolChoice, expected) => {
    const { config } = toGeminiRequest({ ...base, tools: [divide], toolChoice });
    expect(config.toolConfig).toEqual({ functionCallingConfig: expected });
  });

  it("merges providerOptions (GenerateContentConfig fields) last", () => {
    const { config } = toGeminiRequest({
      ...base,
      options: { temperature: 0.2 },
      providerOptions: { temperature: 1, topK: 5, thinkingConfig: { thinkingBudget: 0 } },
    });
    expect(config).toEqual({ temperature: 1, topK: 5, thinkingConfig: { thinkingBudget: 0 } });
  });
});

describe("toGeminiRestBody", () => {
  it("puts request-level fields at the top and generation fields under generationConfig, as the SDK does", () => {
    const body = toGeminiRestBody({
      provider: "google",
      model: "gemini-2.5-flash",
      instructions: "Be brief.",
      messages: [user("Hi")],
      options: { temperature: 0.2, maxTokens: 64 },
      tools: [divide],
      toolChoice: "auto",
      providerOptions: {
        topK: 5,
        safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
        cachedContent: "cachedContents/abc",
        automaticFunctionCalling: { disable: true },
      },
    });
    expect(body).toEqual({
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
      systemInstruction: { role: "user", parts: [{ text: "Be brief." }] },
      tools: [
        {
          functionDeclarations: [
            { name: "customDivide", description: "Custom divide function", parametersJsonSchema: divide.parameters },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: "AUTO" } },
      safetySettings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
      cachedContent: "cachedContents/abc",
      generationConfig: { temperature: 0.2, maxOutputTokens: 64, topK: 5 },
    });
  });
});
