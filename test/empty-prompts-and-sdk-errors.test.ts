/**
 * Two ways a request could go wrong quietly or confusingly, on every provider
 * through its official SDK and the fake provider server: an empty prompt (sent
 * and paid for, or refused by the provider or its SDK in its own words) is
 * refused before anything is sent; and an error thrown inside an SDK (not an
 * HTTP failure) comes out as a ParallellmError naming the agent and the ask's
 * file:line, with the SDK's error as its cause.
 */
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Document,
  InputError,
  image,
  type LLM,
  Parallellm,
  ParallellmError,
  type ParallellmOptions,
  ProviderRequestError,
  type RunSummary,
} from "../src/index.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { openaiChat, tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;

beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());

const llms: [string, LLM][] = [
  ["openai", "gpt-4.1-mini"],
  ["openai chat", "openai-chat:gpt-4.1-mini"],
  ["anthropic", "claude-sonnet-4-6"],
  ["google", "gemini-2.5-flash"],
];

const empties: [string, Document | readonly Document[], RegExp][] = [
  ["an empty string", "", /^The prompt is empty; pass the text to ask about/],
  ["whitespace", "  \n\t", /^The prompt is only whitespace; pass the text to ask about/],
  ["no documents", [], /^ask\(\) got no documents/],
  ["only a system message", [{ role: "system", content: "Be brief." }], /^ask\(\) got no documents/],
  ["an empty document among others", ["Summarise this file:", ""], /^documents\[1\] is empty; leave it out/],
  ["a message with empty content", { role: "user", content: "" }, /^the document is a message with empty content/],
  ["a message without parts", [{ role: "user", content: [] }], /^documents\[0\] is a message with empty content/],
  [
    "a blank text part",
    [{ role: "user", content: ["Hi", { type: "text", text: " " }] }],
    /^documents\[0\]\.content\[1\] is only whitespace; leave it out/,
  ],
  [
    "a blank system message",
    ["Hi", { role: "system", content: "" }],
    /^documents\[1\] is a message with empty content/,
  ],
];

async function open(llm: LLM, options: ParallellmOptions = {}): Promise<Parallellm> {
  return Parallellm.open(tempWorkspace(), {
    llm,
    clients: server.clientsFor(),
    providers: openaiChat(server),
    summary: false,
    ...options,
  });
}

describe.each(llms)("%s", (_name, llm) => {
  it.each(empties)("refuses %s before sending anything", async (_case, documents, message) => {
    server.resetLog();
    const pllm = await open(llm);
    const asking = pllm.agent("a", (agent) => agent.ask(documents).text());
    await expect(asking).rejects.toThrow(InputError);
    await expect(pllm.agent("b", (agent) => agent.ask(documents).text())).rejects.toThrow(message);
    await pllm.close();
    expect(server.requests).toHaveLength(0);
  });

  it("refuses blank instructions, which would be sent as empty system text", async () => {
    server.resetLog();
    const pllm = await open(llm);
    await expect(pllm.agent("i", (agent) => agent.ask("Hi", { instructions: " \n" }).text())).rejects.toThrow(
      /Expected `instructions` to be a string with text \(or empty, for none\)/,
    );
    await pllm.close();
    expect(server.requests).toHaveLength(0);
  });

  it("refuses an empty prompt in a conversation", async () => {
    server.resetLog();
    const pllm = await open(llm);
    await expect(pllm.agent("c", (agent) => agent.conversation().ask(" ").text())).rejects.toThrow(
      /The prompt is only whitespace/,
    );
    await pllm.close();
    expect(server.requests).toHaveLength(0);
  });
});

/** The ask's line in this file, for the location the error must name. */
const here = /empty-prompts-and-sdk-errors\.test\.ts:\d+:\d+/;

async function sdkFailure(
  llm: LLM,
  options: ParallellmOptions,
  askOptions = {},
): Promise<ParallellmError & { summary: RunSummary }> {
  const pllm = await open(llm, options);
  let caught: unknown;
  try {
    await pllm.agent("thrower", (agent) => agent.ask("Hello there", askOptions).text());
  } catch (error) {
    caught = error;
  }
  const summary = await pllm.close();
  expect(summary.received).toBe(0);
  expect(caught).toBeInstanceOf(ParallellmError);
  return Object.assign(caught as ParallellmError, { summary });
}

describe("an error thrown inside the SDK", () => {
  it("openai: a failing apiKey function", async () => {
    const openai = new OpenAI({
      baseURL: `${server.url}/v1`,
      maxRetries: 0,
      apiKey: async () => {
        throw new Error("the token service is down");
      },
    });
    const error = await sdkFailure("gpt-4.1-mini", { clients: { openai } });
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect(error.message).toMatch(
      /^Agent "thrower" \(ask at .*empty-prompts-and-sdk-errors\.test\.ts:\d+:\d+\): openai/,
    );
    expect(error.message).toContain("the token service is down");
    expect((error as unknown as ProviderRequestError).askLocation).toMatch(here);
    expect(error.cause).toBeInstanceOf(OpenAI.OpenAIError);
  });

  it("anthropic: an apiKey function that returns no key", async () => {
    const anthropic = new Anthropic({ baseURL: server.url, maxRetries: 0, apiKey: async () => "" });
    const error = await sdkFailure("claude-sonnet-4-6", { clients: { anthropic } });
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect(error.message).toMatch(
      /^Agent "thrower" \(ask at .*empty-prompts-and-sdk-errors\.test\.ts:\d+:\d+\): anthropic/,
    );
    expect(error.message).toContain("The `apiKey` function must return a non-empty string");
    expect(error.cause).toBeInstanceOf(Anthropic.AnthropicError);
  });

  it("google: the SDK's own check of the model name", async () => {
    const error = await sdkFailure({ provider: "google", model: "gemini-2.5-flash?alt=sse" }, {});
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect(error.message).toMatch(
      /^Agent "thrower" \(ask at .*empty-prompts-and-sdk-errors\.test\.ts:\d+:\d+\): google/,
    );
    expect(error.message).toContain("invalid model parameter");
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("an adapter's refusal at send time names the agent and the ask too", async () => {
    const pllm = await open("claude-sonnet-4-6");
    const bitmap = image(new Uint8Array([0x42, 0x4d, 1, 2]), "image/bmp");
    await expect(pllm.agent("painter", (agent) => agent.ask(["Describe:", bitmap]).text())).rejects.toThrow(
      /^Agent "painter" \(ask at .*empty-prompts-and-sdk-errors\.test\.ts:\d+:\d+\): \[anthropic\] Unsupported image type/,
    );
    await pllm.close();
  });

  it("is recorded as a failed attempt, not retried", async () => {
    const before = server.requests.length;
    const anthropic = new Anthropic({ baseURL: server.url, maxRetries: 0, apiKey: async () => "" });
    const error = await sdkFailure("claude-sonnet-4-6", { clients: { anthropic }, retry: { maxAttempts: 3 } });
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect(error.summary).toMatchObject({ sent: 1, failed: 1, failedAttempts: 1 });
    expect(server.requests.length).toBe(before);
  });
});
