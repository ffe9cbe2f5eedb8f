import { describe, expect, it } from "vitest";
import { ParallellmError } from "../../core/errors.js";
import { UnreadableResponse } from "../shared/unreadable-response.js";
import { fromOpenAIChatBody } from "./from-openai-chat-body.js";

function chat(message: Record<string, unknown>, finishReason: string | null = "stop") {
  return { id: "chatcmpl-1", model: "m", choices: [{ index: 0, message, finish_reason: finishReason }] };
}

describe("fromOpenAIChatBody", () => {
  it("puts a refusal in text with finish reason content-filter", () => {
    const result = fromOpenAIChatBody(chat({ role: "assistant", content: null, refusal: "I can't help with that." }));
    expect(result.text).toBe("I can't help with that.");
    expect(result.finishReason).toEqual({ unified: "content-filter", raw: "stop" });
  });

  it("maps length and content_filter", () => {
    expect(fromOpenAIChatBody(chat({ content: "Once" }, "length")).finishReason).toEqual({
      unified: "length",
      raw: "length",
    });
    expect(fromOpenAIChatBody(chat({ content: "" }, "content_filter")).finishReason).toEqual({
      unified: "content-filter",
      raw: "content_filter",
    });
  });

  it("counts tool calls under a forced tool_choice (finish_reason stop) as tool-calls", () => {
    const result = fromOpenAIChatBody(
      chat({
        content: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "f", arguments: '{"a":1}' } }],
      }),
    );
    expect(result.toolCalls).toEqual([{ id: "call_1", name: "f", args: { a: 1 } }]);
    expect(result.finishReason).toEqual({ unified: "tool-calls", raw: "stop" });
  });

  it("keeps arguments that are not valid JSON as the raw string", () => {
    const result = fromOpenAIChatBody(
      chat(
        { tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{'a': 1}" } }] },
        "tool_calls",
      ),
    );
    expect(result.toolCalls[0].args).toBe("{'a': 1}");
  });

  it("reads text parts that some compatible servers return", () => {
    expect(
      fromOpenAIChatBody(
        chat({
          content: [
            { type: "text", text: "a" },
            { type: "text", text: "b" },
          ],
        }),
      ).text,
    ).toBe("ab");
  });

  it("reports absent usage as undefined, never 0, and an unknown reason as other", () => {
    const result = fromOpenAIChatBody(chat({ content: "hi" }, null));
    expect(result.usage).toEqual({
      inputTokens: undefined,
      outputTokens: undefined,
      cachedInputTokens: undefined,
      reasoningTokens: undefined,
      totalTokens: undefined,
    });
    expect(result.finishReason).toEqual({ unified: "other", raw: undefined });
  });

  it("reads cached and reasoning tokens", () => {
    const result = fromOpenAIChatBody({
      ...chat({ content: "hi" }),
      usage: {
        prompt_tokens: 100,
        completion_tokens: 50,
        total_tokens: 150,
        prompt_tokens_details: { cached_tokens: 64 },
        completion_tokens_details: { reasoning_tokens: 32 },
      },
    });
    expect(result.usage).toEqual({
      inputTokens: 100,
      outputTokens: 50,
      cachedInputTokens: 64,
      reasoningTokens: 32,
      totalTokens: 150,
    });
  });

  it("refuses a body without choices (no answer is not an empty answer) or that is not an object", () => {
    expect(() => fromOpenAIChatBody({ id: "x", choices: [] })).toThrow(/has no choices/);
    expect(() => fromOpenAIChatBody({ id: "x" })).toThrow(UnreadableResponse);
    expect(() => fromOpenAIChatBody([])).toThrow(ParallellmError);
  });
});
