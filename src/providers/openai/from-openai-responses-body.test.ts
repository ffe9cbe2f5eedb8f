import { describe, expect, it } from "vitest";
import { ParallellmError } from "../../core/errors.js";
import { UnreadableResponse } from "../shared/unreadable-response.js";
import { fromOpenAIResponsesBody } from "./from-openai-responses-body.js";

function message(...content: Record<string, unknown>[]) {
  return { type: "message", id: "msg_1", role: "assistant", status: "completed", content };
}

describe("fromOpenAIResponsesBody", () => {
  it("concatenates output_text parts across message items and skips reasoning items", () => {
    const result = fromOpenAIResponsesBody({
      id: "resp_1",
      status: "completed",
      output: [
        { type: "reasoning", id: "rs_1", summary: [] },
        message({ type: "output_text", text: "Hello, ", annotations: [] }, { type: "output_text", text: "world" }),
        message({ type: "output_text", text: "!" }),
      ],
    });
    expect(result.text).toBe("Hello, world!");
    expect(result.finishReason).toEqual({ unified: "stop", raw: "completed" });
  });

  it("puts a refusal in text with finish reason content-filter", () => {
    const result = fromOpenAIResponsesBody({
      status: "completed",
      output: [message({ type: "refusal", refusal: "I can't help with that." })],
    });
    expect(result.text).toBe("I can't help with that.");
    expect(result.finishReason).toEqual({ unified: "content-filter", raw: "completed" });
  });

  it("maps incomplete responses", () => {
    const cut = fromOpenAIResponsesBody({
      status: "incomplete",
      incomplete_details: { reason: "max_output_tokens" },
      output: [message({ type: "output_text", text: "Once upon" })],
    });
    expect(cut.text).toBe("Once upon");
    expect(cut.finishReason).toEqual({ unified: "length", raw: "max_output_tokens" });
    expect(
      fromOpenAIResponsesBody({ status: "incomplete", incomplete_details: { reason: "content_filter" }, output: [] })
        .finishReason,
    ).toEqual({ unified: "content-filter", raw: "content_filter" });
  });

  it("keeps arguments that are not valid JSON as the raw string", () => {
    const result = fromOpenAIResponsesBody({
      status: "completed",
      output: [{ type: "function_call", id: "fc_1", call_id: "call_1", name: "f", arguments: "{oops" }],
    });
    expect(result.toolCalls).toEqual([{ id: "call_1", name: "f", args: "{oops" }]);
    expect(result.finishReason.unified).toBe("tool-calls");
  });

  it("reports absent usage and ids as undefined, never 0", () => {
    expect(
      fromOpenAIResponsesBody({ status: "completed", output: [message({ type: "output_text", text: "" })] }),
    ).toEqual({
      text: "",
      toolCalls: [],
      usage: {
        inputTokens: undefined,
        outputTokens: undefined,
        cachedInputTokens: undefined,
        reasoningTokens: undefined,
        totalTokens: undefined,
      },
      finishReason: { unified: "stop", raw: "completed" },
      responseId: undefined,
      model: undefined,
    });
  });

  it("maps failed responses to error", () => {
    expect(fromOpenAIResponsesBody({ status: "failed", error: { code: "server_error" } }).finishReason).toEqual({
      unified: "error",
      raw: "failed",
    });
  });

  it("refuses a body that is not an object, or is completed without any output", () => {
    expect(() => fromOpenAIResponsesBody({ status: "completed", output: [] })).toThrow(/has no output/);
    expect(() => fromOpenAIResponsesBody({ id: "resp_1" })).toThrow(UnreadableResponse);
    expect(() => fromOpenAIResponsesBody("oops")).toThrow(ParallellmError);
    expect(() => fromOpenAIResponsesBody(null)).toThrow(/got null/);
  });
});
