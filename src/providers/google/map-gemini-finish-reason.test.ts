import { expect, it } from "vitest";
import { mapGeminiFinishReason } from "./map-gemini-finish-reason.js";

it.each([
  ["STOP", false, "stop"],
  ["STOP", true, "tool-calls"],
  ["MAX_TOKENS", false, "length"],
  ["SAFETY", false, "content-filter"],
  ["RECITATION", false, "content-filter"],
  ["BLOCKLIST", false, "content-filter"],
  ["PROHIBITED_CONTENT", false, "content-filter"],
  ["SPII", false, "content-filter"],
  ["IMAGE_SAFETY", false, "content-filter"],
  ["MALFORMED_FUNCTION_CALL", true, "error"],
  ["LANGUAGE", false, "other"],
  ["UNEXPECTED_TOOL_CALL", true, "other"],
  [undefined, false, "other"],
] as const)("maps %s (tool calls: %s) to %s and keeps the raw value", (raw, hasToolCalls, unified) => {
  expect(mapGeminiFinishReason(raw, hasToolCalls)).toEqual({ unified, raw });
});
