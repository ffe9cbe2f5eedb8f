import { describe, expect, it } from "vitest";
import { providerPayloads } from "../../../test/fixtures/provider-payloads.js";
import { ParallellmError } from "../../core/errors.js";
import { fromAnthropicMessage } from "./from-anthropic-message.js";

const payloads = providerPayloads;
const fixtures = payloads.anthropic;

describe("fromAnthropicMessage on recorded responses", () => {
  it("text_success", () => {
    const body = fixtures.text_success.body;
    expect(fromAnthropicMessage(body)).toEqual({
      text: body.content[0].text,
      toolCalls: [],
      usage: { inputTokens: 505, outputTokens: 41, cachedInputTokens: 0, reasoningTokens: undefined, totalTokens: 546 },
      finishReason: { unified: "stop", raw: "end_turn" },
      responseId: "msg_01J176zPPSGQBvQpzw2qy5x4",
      model: "claude-opus-4-8",
    });
  });

  it("tool_call: text and the tool_use block, input kept as an object", () => {
    const result = fromAnthropicMessage(fixtures.tool_call.body);
    expect(result.text).toBe(
      'I\'ll use the test_tool with the value "test" as requested, then provide a final response.',
    );
    expect(result.toolCalls).toEqual([
      { id: "toolu_011LF2VkWpAfJnTKJcmh1PNf", name: "test_tool", args: { value: "test" } },
    ]);
    expect(result.finishReason).toEqual({ unified: "tool-calls", raw: "tool_use" });
    expect(result.usage).toMatchObject({ inputTokens: 415, outputTokens: 76, totalTokens: 491 });
    expect(result.responseId).toBe("msg_012foMGXNQ1eqhaq3QvA5dY6");
  });

  it("parallel_tool_calls: every tool_use block, in order", () => {
    const result = fromAnthropicMessage(fixtures.parallel_tool_calls.body);
    expect(result.toolCalls).toEqual([
      { id: "toolu_01L8GVQapA1HmggQcrwboukH", name: "test_tool", args: { count: 1 } },
      { id: "toolu_01J5Fvzxu7DP1Uh59c1kr5JD", name: "test_tool", args: { count: 2 } },
    ]);
    expect(result.finishReason.unified).toBe("tool-calls");
    expect(result.usage.totalTokens).toBe(418 + 113);
  });

  it("structured_output: the JSON text, and no cache counts where none were reported", () => {
    const result = fromAnthropicMessage(fixtures.structured_output.body);
    expect(JSON.parse(result.text)).toEqual({ city: "San Francisco", temperature: 72, conditions: ["sunny", "clear"] });
    expect(result.usage).toEqual({
      inputTokens: 10,
      outputTokens: 25,
      cachedInputTokens: undefined,
      reasoningTokens: undefined,
      totalTokens: 35,
    });
    expect(result.model).toBe("claude-3-5-sonnet-latest");
  });

  it("batch_result_line_succeeded: the line's message parses like a direct response", () => {
    const line = fixtures.batch_result_line_succeeded.jsonl_line;
    expect(line.result.type).toBe("succeeded");
    expect(fromAnthropicMessage(line.result.message)).toEqual(fromAnthropicMessage(fixtures.text_success.body));
  });
});

describe("fromAnthropicMessage edge cases", () => {
  it("adds cache reads and writes to the input and reports thinking tokens", () => {
    const result = fromAnthropicMessage({
      id: "msg_1",
      content: [
        { type: "thinking", thinking: "hmm", signature: "s" },
        { type: "text", text: "ok" },
      ],
      stop_reason: "max_tokens",
      usage: {
        input_tokens: 10,
        cache_read_input_tokens: 100,
        cache_creation_input_tokens: 5,
        output_tokens: 50,
        output_tokens_details: { thinking_tokens: 30 },
      },
    });
    expect(result.text).toBe("ok");
    expect(result.usage).toEqual({
      inputTokens: 115,
      outputTokens: 50,
      cachedInputTokens: 100,
      reasoningTokens: 30,
      totalTokens: 165,
    });
    expect(result.finishReason).toEqual({ unified: "length", raw: "max_tokens" });
  });

  it("reports no counts for a message without usage", () => {
    const result = fromAnthropicMessage({ content: [], stop_reason: null });
    expect(result.usage).toEqual({
      inputTokens: undefined,
      outputTokens: undefined,
      cachedInputTokens: undefined,
      reasoningTokens: undefined,
      totalTokens: undefined,
    });
    expect(result.finishReason).toEqual({ unified: "other", raw: undefined });
    expect(result.responseId).toBeUndefined();
  });

  it("refuses something that is not a Message", () => {
    expect(() => fromAnthropicMessage({ type: "error" })).toThrow(ParallellmError);
    expect(() => fromAnthropicMessage(null)).toThrow(/Expected a Message/);
  });
});
