import { describe, expect, it } from "vitest";
import { providerPayloads } from "../../../test/fixtures/provider-payloads.js";
import { ParallellmError } from "../../core/errors.js";
import { fromGeminiResponse } from "./from-gemini-response.js";

const payloads = providerPayloads;
const fixtures = payloads.gemini;

describe("fromGeminiResponse on recorded responses", () => {
  it("text_success_with_system_instruction: thinking tokens count as output; input + output = total", () => {
    expect(fromGeminiResponse(fixtures.text_success_with_system_instruction.body)).toEqual({
      text: "low",
      toolCalls: [],
      usage: { inputTokens: 9, outputTokens: 21, cachedInputTokens: undefined, reasoningTokens: 20, totalTokens: 30 },
      finishReason: { unified: "stop", raw: "STOP" },
      responseId: "hi77aOvyCJ-jvr0P8syDgQw",
      model: "gemini-2.5-flash",
    });
  });

  it("tool_call: a functionCall without id gets a stable generated id; STOP becomes tool-calls", () => {
    const result = fromGeminiResponse(fixtures.tool_call.body);
    expect(result.text).toBe("");
    expect(result.toolCalls).toEqual([
      { id: "call_0", name: "customDivide", args: { denominator: 2, numerator: 100 } },
    ]);
    expect(result.finishReason).toEqual({ unified: "tool-calls", raw: "STOP" });
    expect(result.usage).toEqual({
      inputTokens: 21,
      outputTokens: 6,
      cachedInputTokens: undefined,
      reasoningTokens: undefined,
      totalTokens: 27,
    });
    expect(fromGeminiResponse(fixtures.tool_call.body)).toEqual(result);
  });

  it("structured_output: the JSON text", () => {
    const result = fromGeminiResponse(fixtures.structured_output.body);
    expect(JSON.parse(result.text)).toMatchObject({ simpleString: "Hello", inner: { innerNumber: 100 } });
    expect(result.usage).toMatchObject({
      inputTokens: 5,
      outputTokens: 177 + 331,
      reasoningTokens: 331,
      totalTokens: 513,
    });
    expect(result.finishReason.unified).toBe("stop");
  });

  it("batch_result_file_lines_success: each line's response", () => {
    const [first, second] = fixtures.batch_result_file_lines_success.jsonl_lines.map((line: { response: unknown }) =>
      fromGeminiResponse(line.response),
    );
    expect(first).toEqual({
      text: "AI learns patterns from data to make decisions or predictions.",
      toolCalls: [],
      usage: {
        inputTokens: 8,
        outputTokens: 840,
        cachedInputTokens: undefined,
        reasoningTokens: 829,
        totalTokens: 848,
      },
      finishReason: { unified: "stop", raw: "STOP" },
      responseId: "6VFkaIDwEPXVjMcP4-XW6Qo",
      model: "gemini-3.7-flash",
    });
    expect(second.text).toMatch(/^Quantum computers use \*\*qubits\*\*/);
    expect(second.usage).toMatchObject({ inputTokens: 9, outputTokens: 63 + 1180, totalTokens: 1252 });
  });
});

describe("fromGeminiResponse edge cases", () => {
  it("leaves thought parts out of the text and keeps functionCall ids", () => {
    const result = fromGeminiResponse({
      candidates: [
        {
          content: {
            role: "model",
            parts: [
              { text: "thinking...", thought: true },
              { text: "Hello " },
              { text: "world" },
              { functionCall: { id: "fc-1", name: "a", args: { x: 1 } } },
              { functionCall: { name: "b" } },
            ],
          },
          finishReason: "STOP",
        },
      ],
      usageMetadata: { promptTokenCount: 3, cachedContentTokenCount: 2, toolUsePromptTokenCount: 1 },
    });
    expect(result.text).toBe("Hello world");
    expect(result.toolCalls).toEqual([
      { id: "fc-1", name: "a", args: { x: 1 } },
      { id: "call_1", name: "b", args: {} },
    ]);
    expect(result.usage).toEqual({
      inputTokens: 4,
      outputTokens: undefined,
      cachedInputTokens: 2,
      reasoningTokens: undefined,
      totalTokens: undefined,
    });
  });

  it("a blocked prompt: no candidates, empty text, content-filter", () => {
    const result = fromGeminiResponse({
      promptFeedback: { blockReason: "PROHIBITED_CONTENT" },
      usageMetadata: { promptTokenCount: 12, totalTokenCount: 12 },
    });
    expect(result.text).toBe("");
    expect(result.finishReason).toEqual({ unified: "content-filter", raw: "PROHIBITED_CONTENT" });
    expect(result.usage.inputTokens).toBe(12);
  });

  it("a safety stop", () => {
    const result = fromGeminiResponse({ candidates: [{ finishReason: "SAFETY" }] });
    expect(result.finishReason).toEqual({ unified: "content-filter", raw: "SAFETY" });
    expect(result.usage.totalTokens).toBeUndefined();
  });

  it("refuses something that is not an object", () => {
    expect(() => fromGeminiResponse("nope")).toThrow(ParallellmError);
  });
});
