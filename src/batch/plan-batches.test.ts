import { describe, expect, it } from "vitest";
import { InputError } from "../core/errors.js";
import type { LLMRequest } from "../core/llm.js";
import { createAnthropicProvider } from "../providers/anthropic/index.js";
import { createGoogleProvider } from "../providers/google/index.js";
import { createOpenAIProvider } from "../providers/openai/index.js";
import type { BatchApi } from "../providers/provider.js";
import { planBatches } from "./plan-batches.js";

const openai = createOpenAIProvider().batch!;
const anthropic = createAnthropicProvider().batch!;
const local = createOpenAIProvider({ name: "local", api: "chat" }).batch!;
const apis: Record<string, BatchApi> = { openai, anthropic, local };

const request = (provider: string, model: string, text: string): LLMRequest => ({
  provider,
  model,
  messages: [{ role: "user", content: [{ type: "text", text }] }],
});

/** The plans, and the lines each batch was given. */
function plan(
  calls: readonly { item: { customId: string; request: LLMRequest } }[],
  apiFor: (provider: string) => BatchApi,
) {
  const lines: string[][] = [];
  const plans = planBatches(calls, {
    requestOf: (call) => call.item.request,
    customIdOf: (index) => calls[index].item.customId,
    nameOf: (call) => `Ask ${call.item.customId}`,
    batchApiFor: apiFor,
    writeLine: (batch, line) => {
      lines[batch] ??= [];
      lines[batch].push(line);
    },
  });
  return { plans, lines };
}

describe("planBatches", () => {
  it("splits 120,000 small calls to one OpenAI model into batches of at most 50,000", () => {
    const calls = Array.from({ length: 120_000 }, (_, index) => ({
      item: { customId: `c${index}`, request: request("openai", "gpt-4.1-mini", `Label ${index}`) },
    }));
    const { plans, lines } = plan(calls, (provider) => apis[provider]);
    expect(plans.map((batch) => batch.calls.length)).toEqual([50_000, 50_000, 20_000]);
    expect(plans.flatMap((batch) => batch.calls)).toEqual(calls);
    expect(lines.map((batch) => batch.length)).toEqual([50_000, 50_000, 20_000]);
    expect(JSON.parse(lines[2][0]).custom_id).toBe("c100000");
    for (const [index, batch] of plans.entries())
      expect(batch.bytes).toBe(lines[index].reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0));
  });

  it("splits by bytes with large prompts, never past the byte limit", () => {
    const limited: BatchApi = { ...openai, limits: { maxRequests: 50_000, maxBytes: 1_000_000 } };
    const big = "x".repeat(100_000);
    const calls = Array.from({ length: 25 }, (_, index) => ({
      item: { customId: `c${index}`, request: request("openai", "gpt-4.1-mini", `${big} ${index}`) },
    }));
    const { plans, lines } = plan(calls, () => limited);
    expect(plans.length).toBe(3);
    for (const batch of plans) expect(batch.bytes).toBeLessThanOrEqual(1_000_000);
    expect(plans.reduce((sum, batch) => sum + batch.calls.length, 0)).toBe(25);
    expect(lines.flat()).toHaveLength(25);
  });

  it("groups by provider and model (an endpoint is a provider of its own)", () => {
    const calls = [
      request("openai", "gpt-4.1-mini", "a"),
      request("anthropic", "claude-sonnet-4-6", "b"),
      request("openai", "gpt-4.1", "c"),
      request("local", "gpt-4.1-mini", "d"),
      request("openai", "gpt-4.1-mini", "e"),
    ].map((entry, index) => ({ item: { customId: `c${index}`, request: entry } }));
    const { plans } = plan(calls, (provider) => apis[provider]);
    expect(plans.map((batch) => [batch.provider, batch.model, batch.calls.map((call) => call.item.customId)])).toEqual([
      ["openai", "gpt-4.1-mini", ["c0", "c4"]],
      ["anthropic", "claude-sonnet-4-6", ["c1"]],
      ["openai", "gpt-4.1", ["c2"]],
      ["local", "gpt-4.1-mini", ["c3"]],
    ]);
  });

  it("refuses a single request larger than the byte limit, naming the call and saying what to do", () => {
    const tiny: BatchApi = { ...openai, limits: { maxRequests: 10, maxBytes: 100 } };
    const calls = [{ item: { customId: "c0", request: request("openai", "gpt-4.1-mini", "y".repeat(500)) } }];
    expect(() => plan(calls, () => tiny)).toThrow(InputError);
    expect(() => plan(calls, () => tiny)).toThrow(
      /^\[openai\] Ask c0 is \d+ bytes as a batch request, more than the batch limit of 100 bytes, .*strategy "async"/,
    );
  });

  // Every adapter only declares its limits; the planner refuses bad ones for all alike (a user's own BatchApi too).
  const providers = {
    openai: createOpenAIProvider,
    anthropic: createAnthropicProvider,
    google: createGoogleProvider,
  } as const;
  for (const [provider, create] of Object.entries(providers)) {
    it.each([
      [{ maxBytes: 0 }, "maxBytes", "`0` (number)"],
      [{ maxRequests: 2.5 }, "maxRequests", "`2.5` (number)"],
      [{ maxBytes: Number.NaN }, "maxBytes", "`NaN` (number)"],
      [{ maxRequests: "10" as unknown as number }, "maxRequests", "`10` (string)"],
    ])(
      `${provider}: refuses the limits %o with one InputError, before any line is written`,
      (batchLimits, name, got) => {
        const api = create({ batchLimits }).batch!;
        const calls = [{ item: { customId: "c0", request: request(provider as "openai", "m", "Hi") } }];
        let error: unknown;
        try {
          plan(calls, () => api);
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(InputError);
        expect((error as Error).message).toBe(
          `[${provider}] Expected the Batch API limit \`${name}\` to be a whole number from 1 up, got ${got}. Set it in \`batch.limits.${provider}\` (or the provider's \`batchLimits\`), or leave it out for the provider's own limit.`,
        );
      },
    );
  }
});
