/**
 * How an AI SDK model's calls map both ways, driven through the AI SDK's own
 * mock model: the request (prompt, structured output, tools, images, files,
 * options), the result (text, tool calls, usage, finish reason), the errors,
 * and the identity (provider name and model id, never the model object).
 */
import { APICallError, type LanguageModelV3GenerateResult, LoadAPIKeyError } from "@ai-sdk/provider";
import { MockLanguageModelV3 } from "ai/test";
import { describe, expect, it } from "vitest";
import { tempWorkspace } from "../../../test/helpers.js";
import { AuthenticationError, InputError, ProviderRequestError, TransientProviderError } from "../../core/errors.js";
import type { LLMRequest } from "../../core/llm.js";
import { toolResult } from "../../documents/document.js";
import { Parallellm } from "../../parallellm.js";
import { fromAiSdk } from "./ai-sdk-provider.js";

function answer(overrides: Partial<LanguageModelV3GenerateResult> = {}): LanguageModelV3GenerateResult {
  return {
    content: [{ type: "text", text: "Hello." }],
    finishReason: { unified: "stop", raw: "end_turn" },
    usage: {
      inputTokens: { total: 12, noCache: 4, cacheRead: 8, cacheWrite: undefined },
      outputTokens: { total: 5, text: 3, reasoning: 2 },
    },
    response: { id: "resp-1", modelId: "mock-model-2026" },
    warnings: [],
    ...overrides,
  };
}

function mockModel(result: LanguageModelV3GenerateResult | (() => never) = answer(), modelId = "mock-model") {
  return new MockLanguageModelV3({ provider: "mock.chat", modelId, doGenerate: result });
}

const request: LLMRequest = {
  provider: "mock.chat",
  model: "mock-model",
  instructions: "Be brief.",
  messages: [
    {
      role: "user",
      content: [
        { type: "text", text: "What is in these?" },
        { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
        { type: "file", mediaType: "application/pdf", url: "https://example.com/a.pdf", filename: "a.pdf" },
      ],
    },
    { role: "assistant", content: [{ type: "tool-call", id: "call-1", name: "lookup", args: { q: "a" } }] },
    {
      role: "user",
      content: [
        { type: "tool-result", toolCallId: "call-1", name: "lookup", output: { found: true } },
        { type: "tool-result", toolCallId: "call-2", name: "lookup", output: "timeout", isError: true },
        { type: "text", text: "And now?" },
      ],
    },
  ],
  schema: { name: "verdict", jsonSchema: { type: "object", properties: { ok: { type: "boolean" } } } },
  tools: [
    { name: "lookup", description: "Look up", parameters: { type: "object", properties: { q: { type: "string" } } } },
  ],
  toolChoice: { name: "lookup" },
  options: { temperature: 0.5, topP: 0.9, maxTokens: 100, stop: ["END"], seed: 7 },
  providerOptions: { mock: { level: "high" } },
};

describe("fromAiSdk: the request", () => {
  it("maps instructions, messages, images, files, tool calls and results, schema, tools and options", async () => {
    const model = mockModel();
    await fromAiSdk(model).generate(request);
    const { abortSignal: _signal, ...sent } = model.doGenerateCalls[0]!;
    expect(sent).toEqual({
      prompt: [
        { role: "system", content: "Be brief." },
        {
          role: "user",
          content: [
            { type: "text", text: "What is in these?" },
            { type: "file", mediaType: "image/png", data: "iVBORw0KGgo=" },
            {
              type: "file",
              mediaType: "application/pdf",
              data: new URL("https://example.com/a.pdf"),
              filename: "a.pdf",
            },
          ],
        },
        {
          role: "assistant",
          content: [{ type: "tool-call", toolCallId: "call-1", toolName: "lookup", input: { q: "a" } }],
        },
        {
          role: "tool",
          content: [
            {
              type: "tool-result",
              toolCallId: "call-1",
              toolName: "lookup",
              output: { type: "json", value: { found: true } },
            },
            {
              type: "tool-result",
              toolCallId: "call-2",
              toolName: "lookup",
              output: { type: "error-text", value: "timeout" },
            },
          ],
        },
        { role: "user", content: [{ type: "text", text: "And now?" }] },
      ],
      responseFormat: { type: "json", name: "verdict", schema: request.schema!.jsonSchema },
      tools: [{ type: "function", name: "lookup", description: "Look up", inputSchema: request.tools![0]!.parameters }],
      toolChoice: { type: "tool", toolName: "lookup" },
      temperature: 0.5,
      topP: 0.9,
      maxOutputTokens: 100,
      stopSequences: ["END"],
      seed: 7,
      providerOptions: { mock: { level: "high" } },
    });
  });

  it("refuses a model id it was not given, and a tool call in a user turn", () => {
    const provider = fromAiSdk(mockModel());
    expect(() => provider.checkRequest({ ...request, model: "other" })).toThrow(/no model "other"/);
    const misplaced: LLMRequest = {
      ...request,
      messages: [{ role: "user", content: [{ type: "tool-call", id: "c", name: "f", args: {} }] }],
    };
    expect(() => provider.checkRequest(misplaced)).toThrow(InputError);
  });

  it("refuses what is not a v3 language model", () => {
    expect(() => fromAiSdk("openai/gpt-4.1" as never)).toThrow(/gateway model id/);
    expect(() => fromAiSdk({ ...mockModel(), specificationVersion: "v2" } as never)).toThrow(/specification v2/);
    expect(() => fromAiSdk(mockModel(), { name: "a:b" })).toThrow(/without ":"/);
  });
});

describe("fromAiSdk: the result", () => {
  it("maps text, tool calls, usage, finish reason, response id and model", async () => {
    const result = await fromAiSdk(
      mockModel(
        answer({
          content: [
            { type: "reasoning", text: "Thinking." },
            { type: "text", text: "Let me " },
            { type: "text", text: "look." },
            { type: "tool-call", toolCallId: "call-9", toolName: "lookup", input: '{"q":"b"}' },
          ],
          finishReason: { unified: "tool-calls", raw: "tool_use" },
        }),
      ),
    ).generate(request, { keepRaw: true });
    expect(result).toEqual({
      text: "Let me look.",
      toolCalls: [{ id: "call-9", name: "lookup", args: { q: "b" } }],
      usage: { inputTokens: 12, outputTokens: 5, cachedInputTokens: 8, reasoningTokens: 2, totalTokens: 17 },
      finishReason: { unified: "tool-calls", raw: "tool_use" },
      responseId: "resp-1",
      model: "mock-model-2026",
    });
  });

  it("leaves counts the model did not report undefined, and keeps the response body as raw", async () => {
    const result = await fromAiSdk(
      mockModel(
        answer({
          usage: {
            inputTokens: { total: 3, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
            outputTokens: { total: undefined, text: undefined, reasoning: undefined },
          },
          response: { id: "r", body: { id: "r", extra: 1 } },
        }),
      ),
    ).generate(request, { keepRaw: true });
    expect(result.usage).toEqual({
      inputTokens: 3,
      outputTokens: undefined,
      cachedInputTokens: undefined,
      reasoningTokens: undefined,
      totalTokens: undefined,
    });
    expect(result.raw).toBe('{"id":"r","extra":1}');
  });
});

describe("fromAiSdk: errors", () => {
  const failing = (error: unknown) =>
    fromAiSdk(
      mockModel(() => {
        throw error;
      }),
    ).generate(request);
  const apiError = (statusCode: number | undefined, isRetryable?: boolean, headers?: Record<string, string>) =>
    new APICallError({
      message: `failed ${statusCode}`,
      url: "https://api.example.com",
      requestBodyValues: {},
      statusCode,
      responseHeaders: headers,
      isRetryable,
    });

  it("a 429 is retryable, with the delay the provider asked for", async () => {
    const error = await failing(apiError(429, undefined, { "retry-after": "3", "request-id": "req_7" })).catch(
      (caught) => caught,
    );
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error).toMatchObject({ kind: "rate-limited", statusCode: 429, retryAfterMs: 3000, isRetryable: true });
    expect(error.requestId).toBe("req_7");
    expect(error.message).toContain("[request id req_7]");
  });

  it("a 5xx is retryable, a 400 is not", async () => {
    expect(await failing(apiError(502)).catch((caught) => caught)).toMatchObject({ kind: "server", isRetryable: true });
    const rejected = await failing(apiError(400)).catch((caught) => caught);
    expect(rejected).toBeInstanceOf(ProviderRequestError);
    expect(rejected.isRetryable).toBe(false);
  });

  it("a connection failure (no status, isRetryable) is a network error, retried", async () => {
    const error = await failing(apiError(undefined, true)).catch((caught) => caught);
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error).toMatchObject({ kind: "network", isRetryable: true });
  });

  it("a missing API key is an authentication error that sent nothing; anything else is not retried", async () => {
    const missing = new LoadAPIKeyError({ message: "Mistral API key is missing." });
    const error = await failing(missing).catch((caught) => caught);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ requestSent: false });
    const other = await failing(new TypeError("bad body")).catch((caught) => caught);
    expect(other).toBeInstanceOf(ProviderRequestError);
    expect(other.message).toContain("TypeError: bad body");
  });
});

describe("fromAiSdk in a run", () => {
  it("identity is the provider name and model id: a new model object replays the stored answers", async () => {
    const directory = tempWorkspace();
    const ask = async (model: MockLanguageModelV3) => {
      await using pllm = await Parallellm.open(directory, { summary: false, llm: fromAiSdk(model) });
      return pllm.agent("a", (agent) => agent.ask("Hi").text());
    };
    const first = mockModel();
    const second = mockModel();
    expect(await ask(first)).toBe("Hello.");
    expect(await ask(second)).toBe("Hello.");
    expect([first.doGenerateCalls.length, second.doGenerateCalls.length]).toEqual([1, 0]);
  });

  it("two models under one provider name are both served, each by its own model", async () => {
    await using pllm = await Parallellm.open(tempWorkspace(), { summary: false });
    const small = mockModel(answer({ content: [{ type: "text", text: "small" }] }), "small");
    const large = mockModel(answer({ content: [{ type: "text", text: "large" }] }), "large");
    const texts = await pllm.agent("a", async (agent) => [
      await agent.ask("Hi", { llm: fromAiSdk(small) }).text(),
      await agent.ask("Hi", { llm: fromAiSdk(large) }).text(),
      await agent.ask("Hi again", { llm: "mock.chat:small" }).text(),
    ]);
    expect(texts).toEqual(["small", "large", "small"]);
  });

  it("a tool loop: the tool call comes back, its result goes to the model as a tool message", async () => {
    const model = new MockLanguageModelV3({
      provider: "mock.chat",
      modelId: "mock-model",
      doGenerate: [
        answer({
          content: [{ type: "tool-call", toolCallId: "c1", toolName: "lookup", input: '{"q":"x"}' }],
          finishReason: { unified: "tool-calls", raw: undefined },
        }),
        answer(),
      ],
    });
    await using pllm = await Parallellm.open(tempWorkspace(), { summary: false, llm: fromAiSdk(model) });
    const tools = {
      lookup: { description: "Look up", parameters: { type: "object", properties: { q: { type: "string" } } } },
    };
    const text = await pllm.agent("a", async (agent) => {
      const first = agent.ask("Find x", { tools });
      const [call] = await first.toolCalls();
      return agent.ask(["Find x", first, toolResult(call!.id, call!.name, { found: 1 })], { tools }).text();
    });
    expect(text).toBe("Hello.");
    expect(model.doGenerateCalls[1]!.prompt.slice(1)).toEqual([
      { role: "assistant", content: [{ type: "tool-call", toolCallId: "c1", toolName: "lookup", input: { q: "x" } }] },
      {
        role: "tool",
        content: [
          { type: "tool-result", toolCallId: "c1", toolName: "lookup", output: { type: "json", value: { found: 1 } } },
        ],
      },
    ]);
  });

  it("a retryable failure is retried in async and the answer stored", async () => {
    let calls = 0;
    const model = new MockLanguageModelV3({
      provider: "mock.chat",
      modelId: "mock-model",
      doGenerate: async () => {
        calls++;
        if (calls === 1) throw new APICallError({ message: "busy", url: "u", requestBodyValues: {}, statusCode: 503 });
        return answer();
      },
    });
    await using pllm = await Parallellm.open(tempWorkspace(), {
      summary: false,
      logLevel: "silent",
      llm: fromAiSdk(model),
      retry: { initialDelayMs: 1, maxDelayMs: 1 },
    });
    expect(await pllm.agent("a", (agent) => agent.ask("Hi").text())).toBe("Hello.");
    expect(calls).toBe(2);
  });

  it("registered by a name of its own in providers, `llm` names it with or without the model id", async () => {
    const model = mockModel();
    await using pllm = await Parallellm.open(tempWorkspace(), {
      summary: false,
      providers: { mistral: fromAiSdk(model, { name: "mistral" }) },
    });
    const texts = await pllm.agent("a", async (agent) => [
      await agent.ask("One", { llm: "mistral" }).text(),
      await agent.ask("Two", { llm: "mistral:mock-model" }).text(),
    ]);
    expect(texts).toEqual(["Hello.", "Hello."]);
    expect(model.doGenerateCalls).toHaveLength(2);
    await expect(pllm.agent("b", (agent) => agent.ask("Three", { llm: "mistral:other" }).text())).rejects.toThrow(
      /no model "other"/,
    );
  });

  it("the run's llm is known by its provider name at open: limits may name it", async () => {
    await using pllm = await Parallellm.open(tempWorkspace(), {
      summary: false,
      llm: fromAiSdk(mockModel()),
      limits: { "mock.chat": { concurrency: 2 }, "mock.chat/mock-model": { rpm: 600 } },
    });
    expect(await pllm.agent("a", (agent) => agent.ask("Hi").text())).toBe("Hello.");
  });

  it("a provider name a built-in has is refused, naming the way out", async () => {
    const model = new MockLanguageModelV3({ provider: "openai", modelId: "gpt-4.1", doGenerate: answer() });
    await expect(Parallellm.open(tempWorkspace(), { summary: false, llm: fromAiSdk(model) })).rejects.toThrow(
      /"openai" of this llm is taken by another provider in this run \(a built-in\).*fromAiSdk\(model, \{ name:/,
    );
  });
});
