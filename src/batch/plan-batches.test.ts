import { describe, expect, it } from "vitest";
import type { LLMRequest } from "../core/llm.js";
import { createAnthropicProvider } from "../providers/anthropic/index.js";
import { createOpenAIProvider } from "../providers/openai/index.js";
import type { BatchApi } from "../providers/provider.js";
import { planBatches } from "./plan-batches.js";

const openai = createOpenAIProvider().batch!;
const anthropic = createAnthropicProvider().batch!;
const apis: Record<string, BatchApi> = { openai, anthropic };

const request = (provider: "openai" | "anthropic", model: string, text: string, api?: "chat"): LLMRequest => ({
  provider,
  model,
  api,
  messages: [{ role: "user", content: [{ type: "text", text }] }],
});

describe("planBatches", () => {
  it("splits 120,000 small calls to one OpenAI model into batches of at most 50,000", () => {
    const calls = Array.from({ length: 120_000 }, (_, index) => ({
      item: { customId: `c${index}`, request: request("openai", "gpt-4.1-mini", `Label ${index}`) },
    }));
    const plans = planBatches(calls, (provider) => apis[provider]);
    expect(plans.map((plan) => plan.calls.length)).toEqual([50_000, 50_000, 20_000]);
    expect(plans.flatMap((plan) => plan.calls)).toEqual(calls);
    for (const plan of plans)
      expect(plan.bytes).toBe(plan.lines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0));
  });

  it("splits by bytes with large prompts, never past the byte limit", () => {
    const limited: BatchApi = { ...openai, limits: { maxRequests: 50_000, maxBytes: 1_000_000 } };
    const big = "x".repeat(100_000);
    const calls = Array.from({ length: 25 }, (_, index) => ({
      item: { customId: `c${index}`, request: request("openai", "gpt-4.1-mini", `${big} ${index}`) },
    }));
    const plans = planBatches(calls, () => limited);
    expect(plans.length).toBe(3);
    for (const plan of plans) expect(plan.bytes).toBeLessThanOrEqual(1_000_000);
    expect(plans.reduce((sum, plan) => sum + plan.calls.length, 0)).toBe(25);
  });

  it("groups by provider, model and endpoint", () => {
    const calls = [
      request("openai", "gpt-4.1-mini", "a"),
      request("anthropic", "claude-sonnet-4-6", "b"),
      request("openai", "gpt-4.1", "c"),
      request("openai", "gpt-4.1-mini", "d", "chat"),
      request("openai", "gpt-4.1-mini", "e"),
    ].map((entry, index) => ({ item: { customId: `c${index}`, request: entry } }));
    const plans = planBatches(calls, (provider) => apis[provider]);
    expect(plans.map((plan) => [plan.provider, plan.model, plan.calls.map((call) => call.item.customId)])).toEqual([
      ["openai", "gpt-4.1-mini", ["c0", "c4"]],
      ["anthropic", "claude-sonnet-4-6", ["c1"]],
      ["openai", "gpt-4.1", ["c2"]],
      ["openai", "gpt-4.1-mini", ["c3"]],
    ]);
  });

  it("refuses a single request larger than the byte limit, saying what to do", () => {
    const tiny: BatchApi = { ...openai, limits: { maxRequests: 10, maxBytes: 100 } };
    const calls = [{ item: { customId: "c0", request: request("openai", "gpt-4.1-mini", "y".repeat(500)) } }];
    expect(() => planBatches(calls, () => tiny)).toThrow(/more than the batch limit of 100; .*strategy "async"/);
  });
});
