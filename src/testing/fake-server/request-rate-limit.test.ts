import { ApiError, type GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeProviderServer } from "./fake-provider-server.js";
import type { FakeProviderServer } from "./fake-server-types.js";
import { RequestRateLimit } from "./request-rate-limit.js";

describe("RequestRateLimit", () => {
  it("accepts at most `requests` in any rolling window and names the wait", () => {
    const limit = new RequestRateLimit({ requests: 2, windowMs: 1000 });
    expect(limit.admit("openai", 0)).toBeUndefined();
    expect(limit.admit("openai", 400)).toBeUndefined();
    expect(limit.admit("openai", 999)).toMatchObject({ status: 429, retryAfterMs: 1 });
    // Refused requests do not count: at 1000 the entry of 0 has left.
    expect(limit.admit("openai", 1000)).toBeUndefined();
    expect(limit.admit("openai", 1200)).toMatchObject({ status: 429, retryAfterMs: 200 });
  });

  it("judges a late-decided arrival against the windows of later arrivals too", () => {
    const limit = new RequestRateLimit({ requests: 2, windowMs: 1000 });
    expect(limit.admit("openai", 500)).toBeUndefined();
    expect(limit.admit("openai", 900)).toBeUndefined();
    // Arrived at 100 but decided last: the window (-100, 900] would hold three.
    expect(limit.admit("openai", 100)).toMatchObject({ status: 429 });
  });

  it("counts only its provider's requests when it names one", () => {
    const limit = new RequestRateLimit({ requests: 1, windowMs: 1000, provider: "anthropic" });
    expect(limit.admit("openai", 0)).toBeUndefined();
    expect(limit.admit("openai", 1)).toBeUndefined();
    expect(limit.admit("anthropic", 2)).toBeUndefined();
    expect(limit.admit("anthropic", 3)).toMatchObject({ status: 429 });
  });

  it("refuses settings that are not positive", () => {
    expect(() => new RequestRateLimit({ requests: 0 })).toThrow(
      "[parallellm] [fake-server] Expected `rateLimit.requests` to be a whole number from 1 and up, got `0` (number).",
    );
  });
});

describe("fake server rateLimit", () => {
  let server: FakeProviderServer | undefined;
  afterEach(() => server?.close());

  it("answers 429 in each provider's shape with a retry delay, then accepts again", async () => {
    server = await startFakeProviderServer({ rateLimit: { requests: 2, windowMs: 300 } });
    const { openai, anthropic, google } = server.clientsFor();
    const ask = () => openai.responses.create({ model: "gpt-4.1-mini", input: "hi" });
    await ask();
    await anthropic.messages.create({
      model: "claude-sonnet-4-6",
      max_tokens: 8,
      messages: [{ role: "user", content: "hi" }],
    });
    const error = await ask().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimited = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimited.code).toBe("rate_limit_exceeded");
    expect(rateLimited.message).toMatch(/Rate limit reached for requests: limit 2 per 300 ms/);
    expect(Number(rateLimited.headers?.get("retry-after-ms"))).toBeGreaterThan(0);
    expect(Number(rateLimited.headers?.get("retry-after-ms"))).toBeLessThanOrEqual(300);
    const geminiError = await (google as GoogleGenAI).models
      .generateContent({ model: "gemini-2.5-flash", contents: "hi" })
      .catch((caught: unknown) => caught);
    expect(geminiError).toBeInstanceOf(ApiError);
    const geminiBody = JSON.parse((geminiError as ApiError).message);
    expect(geminiBody.error).toMatchObject({ code: 429, status: "RESOURCE_EXHAUSTED" });
    expect(geminiBody.error.details).toContainEqual(
      expect.objectContaining({ "@type": "type.googleapis.com/google.rpc.RetryInfo" }),
    );

    await new Promise((resolve) => setTimeout(resolve, 320));
    await expect(ask()).resolves.toMatchObject({ status: "completed" });
    expect(server.requests.map((request) => request.status)).toEqual([200, 200, 429, 429, 200]);
  });
});
