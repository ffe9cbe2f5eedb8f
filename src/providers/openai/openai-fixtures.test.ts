/**
 * Conformance with the recorded payloads in test/fixtures/provider-payloads.json:
 * every OpenAI response body parses, and the body builders produce the
 * constructed request fixtures field by field.
 */
import { describe, expect, it } from "vitest";
import { providerPayloads } from "../../../test/fixtures/provider-payloads.js";
import type { LLMRequest } from "../../core/llm.js";
import { fromOpenAIChatBody } from "./from-openai-chat-body.js";
import { fromOpenAIResponsesBody } from "./from-openai-responses-body.js";
import { toOpenAIChatBody } from "./to-openai-chat-body.js";
import { toOpenAIResponsesBody } from "./to-openai-responses-body.js";

interface Fixture {
  readonly body?: Record<string, unknown>;
  readonly request_excerpt?: Record<string, unknown>;
  readonly jsonl_line?: { readonly response: { readonly body: Record<string, unknown> } };
}

const fixtures = (providerPayloads as { openai: Record<string, Fixture> }).openai;

function fixture(name: string): Fixture {
  const found = fixtures[name];
  if (!found) throw new Error(`fixture openai.${name} is missing`);
  return found;
}

function body(name: string): Record<string, unknown> {
  const found = fixture(name).body;
  if (!found) throw new Error(`fixture openai.${name} has no body`);
  return found;
}

const text = (value: string) => ({ type: "text", text: value }) as const;

describe("fromOpenAIChatBody on recorded bodies", () => {
  it("chat_text_success", () => {
    expect(fromOpenAIChatBody(body("chat_text_success"))).toEqual({
      text: "Hello! How can I assist you today?",
      toolCalls: [],
      usage: { inputTokens: 19, outputTokens: 10, cachedInputTokens: 0, reasoningTokens: 0, totalTokens: 29 },
      finishReason: { unified: "stop", raw: "stop" },
      responseId: "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
      model: "gpt-5.4",
    });
  });

  it("chat_image_input_success", () => {
    const result = fromOpenAIChatBody(body("chat_image_input_success"));
    expect(result.text).toMatch(/^The image shows a wooden boardwalk path/);
    expect(result.usage).toEqual({
      inputTokens: 1117,
      outputTokens: 46,
      cachedInputTokens: 0,
      reasoningTokens: 0,
      totalTokens: 1163,
    });
    expect(result.finishReason).toEqual({ unified: "stop", raw: "stop" });
    expect(result.responseId).toBe("chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG");
  });

  it("chat_tool_call: content null, arguments parsed, no prompt_tokens_details", () => {
    expect(fromOpenAIChatBody(body("chat_tool_call"))).toEqual({
      text: "",
      toolCalls: [{ id: "call_abc123", name: "get_current_weather", args: { location: "Boston, MA" } }],
      usage: { inputTokens: 82, outputTokens: 17, cachedInputTokens: undefined, reasoningTokens: 0, totalTokens: 99 },
      finishReason: { unified: "tool-calls", raw: "tool_calls" },
      responseId: "chatcmpl-abc123",
      model: "gpt-4o-mini",
    });
  });

  it("chat_structured_output: JSON text, no details objects", () => {
    const result = fromOpenAIChatBody(body("chat_structured_output"));
    expect(JSON.parse(result.text)).toEqual({ city: "San Francisco", units: "c" });
    expect(result.usage).toEqual({
      inputTokens: 17,
      outputTokens: 10,
      cachedInputTokens: undefined,
      reasoningTokens: undefined,
      totalTokens: 27,
    });
    expect(result.model).toBe("gpt-4o-2024-08-06");
  });

  it("batch_result_line_success: the line's response.body", () => {
    const line = fixture("batch_result_line_success").jsonl_line;
    expect(fromOpenAIChatBody(line?.response.body)).toEqual({
      text: "2 + 2 equals 4.",
      toolCalls: [],
      usage: {
        inputTokens: 24,
        outputTokens: 15,
        cachedInputTokens: undefined,
        reasoningTokens: undefined,
        totalTokens: 39,
      },
      finishReason: { unified: "stop", raw: "stop" },
      responseId: "chatcmpl-9758Iw",
      model: "gpt-4o-mini",
    });
  });
});

describe("fromOpenAIResponsesBody on recorded bodies", () => {
  it("responses_text_success", () => {
    expect(fromOpenAIResponsesBody(body("responses_text_success"))).toEqual({
      text: "I can't provide real-time updates, but you can easily check the current weather in San Francisco using a weather website or app. Typically, San Francisco has cool, foggy summers and mild winters, so it's good to be prepared for variable weather!",
      toolCalls: [],
      usage: { inputTokens: 14, outputTokens: 50, cachedInputTokens: 0, reasoningTokens: 0, totalTokens: 64 },
      finishReason: { unified: "stop", raw: "completed" },
      responseId: "resp_689a0b2545288193953c892439b42e2800b2e36c65a1fd4b",
      model: "gpt-4o-mini-2024-07-18",
    });
  });

  it("responses_text_success_spec", () => {
    const result = fromOpenAIResponsesBody(body("responses_text_success_spec"));
    expect(result.text).toMatch(/^In a peaceful grove beneath a silver moon/);
    expect(result.text).toMatch(/sparkled like stardust\.$/);
    expect(result.usage).toEqual({
      inputTokens: 36,
      outputTokens: 87,
      cachedInputTokens: 0,
      reasoningTokens: 0,
      totalTokens: 123,
    });
    expect(result.finishReason).toEqual({ unified: "stop", raw: "completed" });
    expect(result.model).toBe("gpt-5.4");
  });

  it("responses_tool_call: call_id is the id, no input_tokens_details", () => {
    expect(fromOpenAIResponsesBody(body("responses_tool_call"))).toEqual({
      text: "",
      toolCalls: [
        {
          id: "call_unLAR8MvFNptuiZK6K6HCy5k",
          name: "get_current_weather",
          args: { location: "Boston, MA", unit: "celsius" },
        },
      ],
      usage: {
        inputTokens: 291,
        outputTokens: 23,
        cachedInputTokens: undefined,
        reasoningTokens: 0,
        totalTokens: 314,
      },
      finishReason: { unified: "tool-calls", raw: "completed" },
      responseId: "resp_67ca09c5efe0819096d0511c92b8c890096610f474011cc0",
      model: "gpt-5.4",
    });
  });

  it("responses_structured_output", () => {
    const result = fromOpenAIResponsesBody(body("responses_structured_output"));
    expect(JSON.parse(result.text)).toEqual({ participants: ["Alice", "Bob"], day: "Friday" });
    expect(result.finishReason).toEqual({ unified: "stop", raw: "completed" });
    expect(result.usage.totalTokens).toBe(54);
  });
});

describe("body builders against the constructed request fixtures", () => {
  const weatherParameters = {
    type: "object",
    properties: { location: { type: "string" } },
    required: ["location"],
  };

  it("chat_tool_result_request", () => {
    const expected = body("chat_tool_result_request");
    const request: LLMRequest = {
      provider: "openai",
      model: "gpt-4o-mini",
      messages: [
        { role: "user", content: [text("What's the weather like in Boston today?")] },
        {
          role: "assistant",
          content: [
            {
              type: "tool-call",
              id: "call_abc123",
              name: "get_current_weather",
              // Arguments that were kept raw are echoed byte for byte.
              args: '{\n"location": "Boston, MA"\n}',
            },
          ],
        },
        {
          role: "user",
          content: [
            {
              type: "tool-result",
              toolCallId: "call_abc123",
              name: "get_current_weather",
              output: '{"temperature": 22, "unit": "celsius"}',
            },
          ],
        },
      ],
      tools: [
        {
          name: "get_current_weather",
          description: "Get the current weather in a given location",
          parameters: weatherParameters,
        },
      ],
    };
    const built = toOpenAIChatBody(request);
    expect(built["model"]).toEqual(expected["model"]);
    expect(built["messages"]).toEqual(expected["messages"]);
    // The fixture's tool is not strict; ours is, since its parameters can be made strict (closed).
    const expectedTools = (expected["tools"] as { function: Record<string, unknown> }[]).map((tool) => ({
      ...tool,
      function: { ...tool.function, parameters: { ...weatherParameters, additionalProperties: false }, strict: true },
    }));
    expect(built["tools"]).toEqual(expectedTools);
    expect(Object.keys(built).sort()).toEqual(Object.keys(expected).sort());
  });

  it("chat_tool_result_request with parsed arguments and an object output", () => {
    const built = toOpenAIChatBody({
      provider: "openai",
      model: "gpt-4o-mini",
      messages: [
        {
          role: "assistant",
          content: [{ type: "tool-call", id: "call_abc123", name: "f", args: { location: "Boston, MA" } }],
        },
        {
          role: "user",
          content: [{ type: "tool-result", toolCallId: "call_abc123", name: "f", output: { temperature: 22 } }],
        },
      ],
    });
    const [assistant, tool] = built["messages"] as Record<string, unknown>[];
    const call = (assistant["tool_calls"] as { function: { arguments: string } }[])[0];
    expect(JSON.parse(call.function.arguments)).toEqual({ location: "Boston, MA" });
    expect(tool).toEqual({ role: "tool", tool_call_id: "call_abc123", content: '{"temperature":22}' });
  });

  it("responses_tool_result_request", () => {
    const expected = body("responses_tool_result_request");
    const built = toOpenAIResponsesBody({
      provider: "openai",
      model: "gpt-5.4",
      messages: [
        { role: "user", content: [text("What is the weather like in Boston today?")] },
        {
          role: "assistant",
          content: [
            {
              type: "tool-call",
              id: "call_unLAR8MvFNptuiZK6K6HCy5k",
              name: "get_current_weather",
              args: { location: "Boston, MA", unit: "celsius" },
            },
          ],
        },
        {
          role: "user",
          content: [
            {
              type: "tool-result",
              toolCallId: "call_unLAR8MvFNptuiZK6K6HCy5k",
              name: "get_current_weather",
              output: '{"temperature": 22}',
            },
          ],
        },
      ],
      tools: [
        {
          name: "get_current_weather",
          parameters: (expected["tools"] as { parameters: Record<string, unknown> }[])[0].parameters,
        },
      ],
    });
    expect(built["model"]).toEqual(expected["model"]);
    expect(built["input"]).toEqual(expected["input"]);
    // The fixture's tool is strict, and so is ours, closed as strict mode requires.
    const expectedTools = (expected["tools"] as { parameters: Record<string, unknown> }[]).map((tool) => ({
      ...tool,
      parameters: { ...tool.parameters, additionalProperties: false },
    }));
    expect(built["tools"]).toEqual(expectedTools);
    expect(Object.keys(built).sort()).toEqual(Object.keys(expected).sort());
  });

  it("chat_structured_output.request_excerpt", () => {
    const expected = fixture("chat_structured_output").request_excerpt ?? {};
    const format = expected["response_format"] as { json_schema: { schema: Record<string, unknown> } };
    const built = toOpenAIChatBody({
      provider: "openai",
      model: "gpt-4o-2024-08-06",
      messages: [{ role: "user", content: [text("What's the weather like in SF?")] }],
      schema: { name: "location", jsonSchema: format.json_schema.schema },
    });
    expect(built).toEqual(expected);
  });

  it("responses_structured_output.request_excerpt (text.format; input as items, not a string)", () => {
    const expected = fixture("responses_structured_output").request_excerpt ?? {};
    const format = (expected["text"] as { format: { schema: Record<string, unknown> } }).format;
    const built = toOpenAIResponsesBody({
      provider: "openai",
      model: "gpt-5.4",
      messages: [{ role: "user", content: [text("Extract: Alice and Bob meet Friday.")] }],
      schema: { name: "event", jsonSchema: format.schema },
    });
    expect(built["model"]).toEqual(expected["model"]);
    expect(built["text"]).toEqual(expected["text"]);
    expect(built["input"]).toEqual([{ role: "user", content: expected["input"] }]);
  });
});
