import { expect, it } from "vitest";
import { mapAnthropicStopReason } from "./map-anthropic-stop-reason.js";

it.each([
  ["end_turn", "stop"],
  ["stop_sequence", "stop"],
  ["max_tokens", "length"],
  ["model_context_window_exceeded", "length"],
  ["tool_use", "tool-calls"],
  ["refusal", "content-filter"],
  ["pause_turn", "other"],
  ["something_new", "other"],
] as const)("maps %s to %s and keeps the raw value", (raw, unified) => {
  expect(mapAnthropicStopReason(raw)).toEqual({ unified, raw });
});

it("maps a missing stop reason to other", () => {
  expect(mapAnthropicStopReason(null)).toEqual({ unified: "other", raw: undefined });
});
