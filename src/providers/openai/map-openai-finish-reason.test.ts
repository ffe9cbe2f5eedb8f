import { describe, expect, it } from "vitest";
import { mapOpenAIChatFinishReason, mapOpenAIResponsesFinishReason } from "./map-openai-finish-reason.js";

const none = { hasToolCalls: false, hasRefusal: false };

describe("mapOpenAIChatFinishReason", () => {
  it.each([
    ["stop", "stop"],
    ["length", "length"],
    ["tool_calls", "tool-calls"],
    ["function_call", "tool-calls"],
    ["content_filter", "content-filter"],
    ["something_new", "other"],
  ] as const)("%s → %s", (raw, unified) => {
    expect(mapOpenAIChatFinishReason(raw, none)).toEqual({ unified, raw });
  });
});

describe("mapOpenAIResponsesFinishReason", () => {
  it.each([
    ["completed", undefined, none, "stop", "completed"],
    ["completed", undefined, { hasToolCalls: true, hasRefusal: false }, "tool-calls", "completed"],
    ["incomplete", "max_output_tokens", none, "length", "max_output_tokens"],
    ["incomplete", "content_filter", none, "content-filter", "content_filter"],
    ["incomplete", undefined, none, "other", "incomplete"],
    ["failed", undefined, none, "error", "failed"],
    ["cancelled", undefined, none, "other", "cancelled"],
    ["completed", undefined, { hasToolCalls: false, hasRefusal: true }, "content-filter", "completed"],
  ] as const)("%s / %s → %s", (status, reason, answer, unified, raw) => {
    expect(mapOpenAIResponsesFinishReason(status, reason, answer)).toEqual({ unified, raw });
  });
});
