import { describe, expect, it } from "vitest";
import { InputError } from "../core/errors.js";
import { parseRateLimits, type RateLimits } from "./rate-limits.js";

describe("parseRateLimits", () => {
  it("turns rpm/tpm into minute windows and requests/tokens into perMs windows", () => {
    const rules = parseRateLimits({
      openai: { rpm: 500, tpm: 200_000, concurrency: 50 },
      "openai/gpt-4.1-mini": { requests: 60, tokens: 9000, perMs: 1000 },
      anthropic: { requests: 5 },
    });
    expect(rules.get("openai")).toEqual({
      concurrency: 50,
      windows: [
        { unit: "requests", limit: 500, perMs: 60_000 },
        { unit: "tokens", limit: 200_000, perMs: 60_000 },
      ],
    });
    expect(rules.get("openai/gpt-4.1-mini")).toEqual({
      concurrency: Number.POSITIVE_INFINITY,
      windows: [
        { unit: "requests", limit: 60, perMs: 1000 },
        { unit: "tokens", limit: 9000, perMs: 1000 },
      ],
    });
    expect(rules.get("anthropic")?.windows).toEqual([{ unit: "requests", limit: 5, perMs: 60_000 }]);
  });

  it("refuses keys with no provider or no model, with the shapes that work", () => {
    for (const key of ["openai/", "/gpt-4.1-mini"]) {
      expect(() => parseRateLimits({ [key]: { rpm: 1 } } as RateLimits)).toThrow(
        new InputError(
          `Unknown key "${key}" in \`limits\`: use a provider ("openai") or provider/model ("openai/gpt-4.1-mini").`,
        ),
      );
    }
  });

  it("refuses counts that are not positive whole numbers, naming the setting", () => {
    expect(() => parseRateLimits({ openai: { rpm: 0 } })).toThrow(
      'Expected `limits["openai"].rpm` to be a whole number from 1 and up, got `0` (number).',
    );
    expect(() => parseRateLimits({ "google/gemini-2.5-flash": { concurrency: 2.5 } })).toThrow(
      'Expected `limits["google/gemini-2.5-flash"].concurrency` to be a whole number from 1 and up, got `2.5` (number).',
    );
    expect(() => parseRateLimits({ anthropic: { requests: 5, perMs: -1 } })).toThrow(
      'Expected `limits["anthropic"].perMs` to be a number above 0, got `-1` (number).',
    );
  });
});
