import Anthropic from "@anthropic-ai/sdk";
import type { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startFakeProviderServer } from "./fake-provider-server.js";
import type { FakeProviderClients, FakeProviderServer } from "./fake-server-types.js";

const gpt = "gpt-4.1-mini";
const claude = "claude-sonnet-4-6";
const gemini = "gemini-2.5-flash";

let server: FakeProviderServer;
let clients: FakeProviderClients;

beforeEach(async () => {
  server = await startFakeProviderServer();
  clients = server.clientsFor();
});
afterEach(() => server.close());

function askAll(prompt: string) {
  return Promise.all([
    clients.openai.responses.create({ model: gpt, input: prompt }).then((response) => response.output_text),
    clients.anthropic.messages
      .create({ model: claude, max_tokens: 64, messages: [{ role: "user", content: prompt }] })
      .then((message) => (message.content[0].type === "text" ? message.content[0].text : "")),
    (clients.google as GoogleGenAI).models
      .generateContent({ model: gemini, contents: prompt })
      .then((response) => response.text ?? ""),
  ]);
}

describe("request log", () => {
  it("records provider, path, method, model, redacted headers, body, time and status", async () => {
    const before = Date.now();
    await askAll("Log me.");
    const byProvider = Object.fromEntries(server.requests.map((request) => [request.provider, request]));

    expect(byProvider.openai).toMatchObject({
      path: "/v1/responses",
      method: "POST",
      model: gpt,
      body: { model: gpt, input: "Log me." },
      status: 200,
      dropped: false,
    });
    expect(byProvider.anthropic).toMatchObject({ path: "/v1/messages", model: claude, status: 200 });
    expect(byProvider.google).toMatchObject({
      path: `/v1beta/models/${gemini}:generateContent`,
      model: gemini,
      status: 200,
    });
    expect(byProvider.openai.time).toBeGreaterThanOrEqual(before);
    expect(byProvider.openai.headers.authorization).toBe("Bearer [redacted]");
    const logText = JSON.stringify(server.requests);
    for (const key of ["sk-fake", "sk-ant-fake", '"fake"']) expect(logText).not.toContain(key);
    expect(server.counts).toEqual({ openai: 1, anthropic: 1, google: 1 });
  });

  it("records failures and clears on resetLog", async () => {
    server.failNext({ status: 500, provider: "openai" });
    await expect(clients.openai.responses.create({ model: gpt, input: "x" })).rejects.toThrow(
      OpenAI.InternalServerError,
    );
    expect(server.requests.map((request) => request.status)).toEqual([500]);

    server.resetLog();
    expect(server.requests).toEqual([]);
    expect(server.counts).toEqual({ openai: 0, anthropic: 0, google: 0 });
    expect(server.maxInFlight).toBe(0);
  });
});

describe("logRequests: false", () => {
  it("keeps no request, still counting them", async () => {
    const quiet = await startFakeProviderServer({ logRequests: false });
    try {
      await quiet.clientsFor().openai.responses.create({ model: gpt, input: "Hi" });
      expect(quiet.requests).toEqual([]);
      expect(quiet.counts.openai).toBe(1);
      expect(quiet.maxInFlight).toBe(1);
    } finally {
      await quiet.close();
    }
  });
});

describe("concurrency and latency", () => {
  it("tracks inFlight and maxInFlight under concurrent calls", async () => {
    server.setLatency(200);
    const calls = Array.from({ length: 6 }, (_, index) =>
      clients.openai.responses.create({ model: gpt, input: `Call ${index}` }),
    );
    await vi.waitFor(() => expect(server.inFlight).toBe(6));
    await Promise.all(calls);
    expect(server.maxInFlight).toBe(6);
    expect(server.inFlight).toBe(0);
  });

  it("delays answers by latencyMs, which may depend on the request", async () => {
    const slow = await startFakeProviderServer({ latencyMs: (context) => (context.prompt.includes("slow") ? 300 : 0) });
    try {
      const { openai } = slow.clientsFor();
      const timed = async (input: string) => {
        const started = performance.now();
        await openai.responses.create({ model: gpt, input });
        return performance.now() - started;
      };
      expect(await timed("fast please")).toBeLessThan(250);
      expect(await timed("slow please")).toBeGreaterThanOrEqual(290);
      slow.setLatency(0);
      expect(await timed("slow please")).toBeLessThan(250);
    } finally {
      await slow.close();
    }
  });

  it("counts latency from the request's arrival: the server's own work is inside it, not added to it", async () => {
    // The latency function itself holds the server for 200 ms, as a slow parse would.
    const busy = await startFakeProviderServer({
      latencyMs: () => {
        const until = performance.now() + 200;
        while (performance.now() < until);
        return 300;
      },
    });
    try {
      const started = performance.now();
      await busy.clientsFor().openai.responses.create({ model: gpt, input: "Hi" });
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(290);
      // Added on top, the answer would take 500 ms.
      expect(elapsed).toBeLessThan(450);
    } finally {
      await busy.close();
    }
  });
});

describe("scripting", () => {
  it("answers with the first matching rule, honouring provider, model, match and times", async () => {
    server.script({ provider: "anthropic", reply: "Claude only" });
    server.script({
      model: /^gemini-/,
      match: "colour",
      reply: (context) => `Gemini saw ${context.prompt.length} chars`,
      times: 1,
    });
    server.script({ match: /colou?r/, reply: { text: "Blue." } });

    expect(await askAll("Pick a colour")).toEqual(["Blue.", "Claude only", "Gemini saw 13 chars"]);
    expect(await askAll("Pick a colour")).toEqual(["Blue.", "Claude only", "Blue."]);
    expect((await askAll("Pick a number"))[0]).toMatch(/^Answer to: Pick a number/);
  });

  it("passes the context to reply functions and lets replies set usage and finish reason", async () => {
    const seen: unknown[] = [];
    server.script({
      reply: (context) => {
        seen.push({
          provider: context.provider,
          model: context.model,
          prompt: context.prompt,
          tools: context.tools.length,
        });
        return { text: "Cut off", usage: { inputTokens: 11, outputTokens: 22 }, finishReason: "length" };
      },
    });
    const response = await clients.openai.responses.create({ model: gpt, input: "Go on" });
    const message = await clients.anthropic.messages.create({
      model: claude,
      max_tokens: 8,
      messages: [{ role: "user", content: "Go on" }],
    });

    expect(seen).toEqual([
      { provider: "openai", model: gpt, prompt: "Go on", tools: 0 },
      { provider: "anthropic", model: claude, prompt: "Go on", tools: 0 },
    ]);
    expect(response).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" } });
    expect(response.usage).toMatchObject({ input_tokens: 11, output_tokens: 22, total_tokens: 33 });
    expect(message).toMatchObject({ stop_reason: "max_tokens", usage: { input_tokens: 11, output_tokens: 22 } });
  });

  it("sends scripted json as the structured answer", async () => {
    server.script({ reply: { json: { winner: "Bills", score: "24-17" } } });
    const completion = await clients.openai.chat.completions.create({
      model: gpt,
      messages: [{ role: "user", content: "Predict." }],
      response_format: { type: "json_schema", json_schema: { name: "verdict", schema: { type: "object" } } },
    });
    expect(JSON.parse(completion.choices[0].message.content!)).toEqual({ winner: "Bills", score: "24-17" });
  });

  it("ignores scripted tool calls when the request offers no tools", async () => {
    server.script({ reply: { toolCalls: [{ name: "nothing", args: {} }] } });
    const response = await clients.openai.responses.create({ model: gpt, input: "No tools here" });
    expect(response.output.map((item) => item.type)).toEqual(["message"]);
    expect(response.output_text).toMatch(/^Answer to: No tools here/);
  });
});

describe("failure injection", () => {
  it("fails only the requests a failNext rule selects, as many times as asked", async () => {
    server.failNext({ status: 429, provider: "anthropic", match: "busy", times: 2 });
    const ask = (prompt: string) =>
      clients.anthropic.messages.create({
        model: claude,
        max_tokens: 8,
        messages: [{ role: "user", content: prompt }],
      });

    await expect(ask("calm")).resolves.toMatchObject({ type: "message" });
    await expect(clients.openai.responses.create({ model: gpt, input: "busy" })).resolves.toMatchObject({
      status: "completed",
    });
    await expect(ask("busy now")).rejects.toThrow(Anthropic.RateLimitError);
    await expect(ask("busy again")).rejects.toThrow(Anthropic.RateLimitError);
    await expect(ask("busy still")).resolves.toMatchObject({ type: "message" });
  });

  it("fails at the configured rate with random faults, and stops when cleared", async () => {
    const rolls = [0.9, 0.1, 0.5, 0.9, 0.9];
    const seeded = await startFakeProviderServer({ random: () => rolls.shift() ?? 0.9 });
    try {
      const { openai } = seeded.clientsFor();
      seeded.setFaults({ rate: 0.5, statuses: [503, 500], retryAfterSeconds: 2 });
      // Rolls: drop? 0.9 (no); fail? 0.1 (yes); status index 0.5 * 2 = 1 → 500.
      const error = await openai.responses.create({ model: gpt, input: "x" }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OpenAI.InternalServerError);
      expect((error as InstanceType<typeof OpenAI.APIError>).headers?.get("retry-after")).toBe("2");
      // Rolls: drop? 0.9 (no); fail? 0.9 (no).
      await expect(openai.responses.create({ model: gpt, input: "x" })).resolves.toMatchObject({ status: "completed" });

      seeded.setFaults({ rate: 1, statuses: [503] });
      await expect(openai.responses.create({ model: gpt, input: "x" })).rejects.toThrow(OpenAI.APIError);
      seeded.setFaults(undefined);
      await expect(openai.responses.create({ model: gpt, input: "x" })).resolves.toMatchObject({ status: "completed" });
    } finally {
      await seeded.close();
    }
  });

  it("drops connections without a response", async () => {
    server.setFaults({ rate: 0, statuses: [], dropConnectionRate: 1 });
    await expect(clients.openai.responses.create({ model: gpt, input: "x" })).rejects.toThrow(
      OpenAI.APIConnectionError,
    );
    expect(server.requests[0]).toMatchObject({ dropped: true, status: undefined });
  });

  it("refuses bad injection settings with a message that says what was expected", () => {
    expect(() => server.failNext({ status: 200 })).toThrow(
      "[parallellm] [fake-server] Expected `status` in failNext() to be an HTTP error status from 400 to 599, got `200` (number).",
    );
    expect(() => server.failNext({ status: 500, times: 0 })).toThrow("Expected `times` in failNext()");
    expect(() => server.setFaults({ rate: 2, statuses: [500] })).toThrow("Expected `rate` in setFaults()");
    expect(() => server.setFaults({ rate: 0.5, statuses: [] })).toThrow("at least one status");
  });
});

describe("routing", () => {
  it("answers malformed JSON with 400 in the provider's shape", async () => {
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: "Bearer sk-fake", "content-type": "application/json" },
      body: "{not json",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: "invalid_request_error" } });
  });

  it("tells providers apart by their headers on shared paths", async () => {
    const anthropic = await fetch(`${server.url}/v1/unknown`, {
      method: "POST",
      headers: { "x-api-key": "k", "anthropic-version": "2023-06-01" },
    });
    const gemini = await fetch(`${server.url}/v1/unknown`, { method: "POST", headers: { "x-goog-api-key": "k" } });
    const openai = await fetch(`${server.url}/v1/unknown`, { method: "POST", headers: { authorization: "Bearer k" } });

    expect(await anthropic.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } });
    expect(await gemini.json()).toMatchObject({ error: { code: 404, status: "NOT_FOUND" } });
    expect(await openai.json()).toMatchObject({ error: { type: "invalid_request_error", code: null } });
    expect(server.requests.map((request) => request.provider)).toEqual(["anthropic", "google", "openai"]);
  });
});
