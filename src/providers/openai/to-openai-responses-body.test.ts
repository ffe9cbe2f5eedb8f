import { describe, expect, it } from "vitest";
import type { LLMRequest } from "../../core/llm.js";
import { toOpenAIResponsesBody } from "./to-openai-responses-body.js";

const base: LLMRequest = {
  provider: "openai",
  model: "gpt-4.1-mini",
  messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
};

describe("toOpenAIResponsesBody", () => {
  it("builds the minimal body", () => {
    expect(toOpenAIResponsesBody(base)).toEqual({ model: "gpt-4.1-mini", input: [{ role: "user", content: "Hi" }] });
  });

  it("sends instructions as `instructions`", () => {
    expect(toOpenAIResponsesBody({ ...base, instructions: "Be brief." })["instructions"]).toBe("Be brief.");
  });

  it("maps a strict-able schema to text.format with strict: true", () => {
    const body = toOpenAIResponsesBody({
      ...base,
      schema: {
        name: "verdict",
        jsonSchema: { type: "object", properties: { winner: { type: "string" }, note: { type: "string" } } },
      },
    });
    expect(body["text"]).toEqual({
      format: {
        type: "json_schema",
        name: "verdict",
        schema: {
          type: "object",
          properties: { winner: { type: "string" }, note: { type: "string" } },
          required: ["winner", "note"],
          additionalProperties: false,
        },
        strict: true,
      },
    });
  });

  it("sends an open schema unchanged with strict: false", () => {
    const jsonSchema = { type: "object", additionalProperties: { type: "number" } };
    expect(toOpenAIResponsesBody({ ...base, schema: { name: "scores", jsonSchema } })["text"]).toEqual({
      format: { type: "json_schema", name: "scores", schema: jsonSchema, strict: false },
    });
  });

  it("maps tools flat, strict where the parameters allow and strict: false otherwise, and every tool choice", () => {
    const parameters = { type: "object", properties: { city: { type: "string" } } };
    const open = { type: "object", additionalProperties: { type: "string" } };
    const body = toOpenAIResponsesBody({
      ...base,
      tools: [
        { name: "weather", description: "Weather now", parameters },
        { name: "labels", parameters: open },
      ],
      toolChoice: { name: "weather" },
    });
    expect(body["tools"]).toEqual([
      {
        type: "function",
        name: "weather",
        description: "Weather now",
        parameters: { ...parameters, required: ["city"], additionalProperties: false },
        strict: true,
      },
      { type: "function", name: "labels", parameters: open, strict: false },
    ]);
    expect(body["tool_choice"]).toEqual({ type: "function", name: "weather" });
    for (const choice of ["auto", "required", "none"] as const) {
      expect(toOpenAIResponsesBody({ ...base, toolChoice: choice })["tool_choice"]).toBe(choice);
    }
    expect(toOpenAIResponsesBody({ ...base, tools: [] })).not.toHaveProperty("tools");
  });

  it("maps generation options and leaves out stop and seed, which the Responses API lacks", () => {
    const body = toOpenAIResponsesBody({
      ...base,
      options: { maxTokens: 256, temperature: 0.2, topP: 0.9, stop: ["END"], seed: 7 },
    });
    expect(body).toEqual({
      model: "gpt-4.1-mini",
      input: [{ role: "user", content: "Hi" }],
      max_output_tokens: 256,
      temperature: 0.2,
      top_p: 0.9,
    });
  });

  it("keeps a temperature of 0", () => {
    expect(toOpenAIResponsesBody({ ...base, options: { temperature: 0 } })["temperature"]).toBe(0);
  });

  it("merges providerOptions last, at the top level", () => {
    const body = toOpenAIResponsesBody({
      ...base,
      options: { temperature: 0.2 },
      providerOptions: { temperature: 1, reasoning: { effort: "low" }, store: false },
    });
    expect(body["temperature"]).toBe(1);
    expect(body["reasoning"]).toEqual({ effort: "low" });
    expect(body["store"]).toBe(false);
  });
});
