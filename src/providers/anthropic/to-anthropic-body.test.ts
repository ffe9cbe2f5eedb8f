import { describe, expect, it } from "vitest";
import { providerPayloads } from "../../../test/fixtures/provider-payloads.js";
import type { LLMRequest, Message } from "../../core/llm.js";
import { fromAnthropicMessage } from "./from-anthropic-message.js";
import { defaultAnthropicMaxTokens, toAnthropicBody } from "./to-anthropic-body.js";

const payloads = providerPayloads;
const fixtures = payloads.anthropic;

const user = (text: string): Message => ({ role: "user", content: [{ type: "text", text }] });

describe("toAnthropicBody against the recorded request bodies", () => {
  const testTool = {
    name: "test_tool",
    description: "A test tool",
    parameters: fixtures.tool_call_request.body.tools[0].input_schema,
  };
  const prompt = 'Use the test_tool with value "test", then provide a final response';

  it("tool_call_request: model, max_tokens, messages and tools match", () => {
    const expected = fixtures.tool_call_request.body;
    const body = toAnthropicBody({
      provider: "anthropic",
      model: expected.model,
      messages: [user(prompt)],
      tools: [testTool],
      options: { maxTokens: 1000 },
    });
    expect(body.model).toBe(expected.model);
    expect(body.max_tokens).toBe(expected.max_tokens);
    expect(body.messages).toEqual(expected.messages);
    // The recording came from the SDK's tool runner, which adds `type: "custom"`
    // (optional) and `stream: false` (the default); neither is needed.
    const { type: _type, ...recordedTool } = expected.tools[0];
    expect(body.tools).toEqual([recordedTool]);
    expect(body).not.toHaveProperty("stream");
  });

  it("tool_result_request: the parsed tool call and its result round-trip to the recorded messages", () => {
    const expected = fixtures.tool_result_request.body;
    const answer = fromAnthropicMessage(fixtures.tool_call.body);
    const body = toAnthropicBody({
      provider: "anthropic",
      model: expected.model,
      messages: [
        user(prompt),
        {
          role: "assistant",
          content: [
            { type: "text", text: answer.text },
            ...answer.toolCalls.map((call) => ({ type: "tool-call" as const, ...call })),
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool-result", toolCallId: answer.toolCalls[0].id, name: "test_tool", output: "Tool result" },
          ],
        },
      ],
      tools: [testTool],
      options: { maxTokens: 1000 },
    });
    expect(body.messages).toEqual(expected.messages);
    expect(body.max_tokens).toBe(1000);
  });

  it("structured_output_request: the whole body matches (native output_config)", () => {
    const expected = fixtures.structured_output_request.body;
    const body = toAnthropicBody({
      provider: "anthropic",
      model: expected.model,
      messages: [user("What is the weather in SF?")],
      schema: { name: "weather", jsonSchema: expected.output_config.format.schema },
      options: { maxTokens: 1024 },
    });
    expect(body).toEqual(expected);
  });

  it("image_base64_request: the whole body matches", () => {
    const expected = fixtures.image_base64_request.body;
    const image = expected.messages[0].content[0].source;
    const body = toAnthropicBody({
      provider: "anthropic",
      model: expected.model,
      instructions: "Describe images briefly.",
      messages: [
        {
          role: "user",
          content: [
            { type: "image", mediaType: image.media_type, data: image.data },
            { type: "text", text: "What is in this image?" },
          ],
        },
      ],
      options: { maxTokens: 256 },
    });
    expect(body).toEqual(expected);
  });
});

describe("toAnthropicBody options", () => {
  const base: LLMRequest = { provider: "anthropic", model: "claude-sonnet-4-5", messages: [user("Hi")] };

  it("defaults max_tokens, which Anthropic requires", () => {
    expect(toAnthropicBody(base)).toEqual({
      model: "claude-sonnet-4-5",
      max_tokens: defaultAnthropicMaxTokens,
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(defaultAnthropicMaxTokens).toBe(4096);
  });

  it("sends stop sequences but not temperature, top_p or seed (400 on API version 2026-10-21)", () => {
    const body = toAnthropicBody({
      ...base,
      options: { temperature: 0.2, topP: 0.9, seed: 7, stop: ["END"], maxTokens: 10 },
    });
    expect(body.stop_sequences).toEqual(["END"]);
    expect(body.max_tokens).toBe(10);
    expect(body).not.toHaveProperty("temperature");
    expect(body).not.toHaveProperty("top_p");
    expect(body).not.toHaveProperty("seed");
  });

  it("leaves out empty instructions and stop lists", () => {
    const body = toAnthropicBody({ ...base, instructions: "", options: { stop: [] } });
    expect(body).not.toHaveProperty("system");
    expect(body).not.toHaveProperty("stop_sequences");
  });

  it.each([
    ["auto", { type: "auto" }],
    ["required", { type: "any" }],
    ["none", { type: "none" }],
    [{ name: "lookup" }, { type: "tool", name: "lookup" }],
  ] as const)("maps tool choice %j", (toolChoice, expected) => {
    const tools = [{ name: "lookup", parameters: { type: "object", properties: {} } }];
    const body = toAnthropicBody({ ...base, tools, toolChoice });
    expect(body.tool_choice).toEqual(expected);
    expect(body.tools).toEqual([{ name: "lookup", input_schema: { type: "object", properties: {} } }]);
  });

  it("sends no tool_choice without tools", () => {
    expect(toAnthropicBody({ ...base, toolChoice: "required" })).not.toHaveProperty("tool_choice");
  });

  it("merges providerOptions last, so they can override and add fields", () => {
    const body = toAnthropicBody({
      ...base,
      options: { maxTokens: 10 },
      providerOptions: { max_tokens: 99, temperature: 0.5, metadata: { user_id: "u1" } },
    });
    expect(body.max_tokens).toBe(99);
    expect(body.temperature).toBe(0.5);
    expect(body.metadata).toEqual({ user_id: "u1" });
  });

  it("merges providerOptions.output_config with the schema's format", () => {
    const body = toAnthropicBody({
      ...base,
      schema: { name: "answer", jsonSchema: { type: "string" } },
      providerOptions: { output_config: { effort: "low" } },
    });
    expect(body.output_config).toEqual({ format: { type: "json_schema", schema: { type: "string" } }, effort: "low" });
    expect(toAnthropicBody({ ...base, providerOptions: { output_config: { effort: "low" } } }).output_config).toEqual({
      effort: "low",
    });
  });
});
