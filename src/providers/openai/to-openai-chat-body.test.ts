import { describe, expect, it } from "vitest";
import type { LLMRequest } from "../../core/llm.js";
import { toOpenAIChatBody } from "./to-openai-chat-body.js";

const base: LLMRequest = {
  provider: "openai",
  model: "gpt-4.1-mini",
  messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
};

describe("toOpenAIChatBody", () => {
  it("builds the minimal body, instructions as a system message", () => {
    expect(toOpenAIChatBody({ ...base, instructions: "Be brief." })).toEqual({
      model: "gpt-4.1-mini",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
    });
  });

  it("maps a strict-able schema to response_format with strict: true", () => {
    const body = toOpenAIChatBody({
      ...base,
      schema: { name: "verdict", jsonSchema: { type: "object", properties: { winner: { type: "string" } } } },
    });
    expect(body["response_format"]).toEqual({
      type: "json_schema",
      json_schema: {
        name: "verdict",
        schema: {
          type: "object",
          properties: { winner: { type: "string" } },
          required: ["winner"],
          additionalProperties: false,
        },
        strict: true,
      },
    });
  });

  it("sends a schema that cannot be strict unchanged with strict: false", () => {
    const jsonSchema = {
      type: "object",
      properties: { choice: { allOf: [{ type: "string" }, { minLength: 1 }] } },
    };
    expect(toOpenAIChatBody({ ...base, schema: { name: "pick", jsonSchema } })["response_format"]).toEqual({
      type: "json_schema",
      json_schema: { name: "pick", schema: jsonSchema, strict: false },
    });
  });

  it("maps tools nested under `function`, strict where the parameters allow, and every tool choice", () => {
    const parameters = { type: "object", properties: { city: { type: "string" } } };
    const open = { type: "object", additionalProperties: { type: "string" } };
    const body = toOpenAIChatBody({
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
        function: {
          name: "weather",
          description: "Weather now",
          parameters: { ...parameters, required: ["city"], additionalProperties: false },
          strict: true,
        },
      },
      { type: "function", function: { name: "labels", parameters: open } },
    ]);
    expect(body["tool_choice"]).toEqual({ type: "function", function: { name: "weather" } });
    for (const choice of ["auto", "required", "none"] as const) {
      expect(toOpenAIChatBody({ ...base, toolChoice: choice })["tool_choice"]).toBe(choice);
    }
  });

  it("maps every generation option", () => {
    expect(
      toOpenAIChatBody({ ...base, options: { maxTokens: 256, temperature: 0, topP: 0.9, stop: ["END"], seed: 7 } }),
    ).toEqual({
      model: "gpt-4.1-mini",
      messages: [{ role: "user", content: "Hi" }],
      max_completion_tokens: 256,
      temperature: 0,
      top_p: 0.9,
      stop: ["END"],
      seed: 7,
    });
    expect(toOpenAIChatBody({ ...base, options: { stop: [] } })).not.toHaveProperty("stop");
  });

  it("merges providerOptions last, at the top level", () => {
    const body = toOpenAIChatBody({
      ...base,
      options: { maxTokens: 10 },
      providerOptions: { max_completion_tokens: 20, max_tokens: 20, reasoning_effort: "low" },
    });
    expect(body["max_completion_tokens"]).toBe(20);
    expect(body["max_tokens"]).toBe(20);
    expect(body["reasoning_effort"]).toBe("low");
  });
});
