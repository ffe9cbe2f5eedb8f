/**
 * An in-process provider that answers offline: deterministic answers derived
 * from the prompt, scripted answers, latency, injected failures, and a count of
 * the requests it actually received (tests assert on it).
 */
import { createHash } from "node:crypto";
import { providerError } from "../core/errors.js";
import type { FinishReason, LLMRequest, LLMResult, ProviderName, Usage } from "../core/llm.js";
import type { EmbeddingApi, EmbeddingRequest, Provider } from "../providers/provider.js";
import { checkMockFailure, checkMockProviderOptions, checkMockRule } from "./check-testing-options.js";
import { defaultDimensions, fakeEmbedding, fakeTokens } from "./fake-server/fake-embedding.js";
import { sampleJsonSchema } from "./sample-json-schema.js";

export interface MockReply {
  readonly text?: string | undefined;
  /** Structured answer; sent as JSON text. */
  readonly json?: unknown;
  readonly toolCalls?:
    | readonly { readonly name: string; readonly args: unknown; readonly id?: string | undefined }[]
    | undefined;
  readonly usage?: Partial<Usage> | undefined;
  readonly finishReason?: FinishReason["unified"] | undefined;
}

export type MockAnswer = string | MockReply;

export interface MockRule {
  /** Matches the last user text: a substring, a pattern, or a predicate on the request. */
  readonly match?: string | RegExp | ((request: LLMRequest, prompt: string) => boolean) | undefined;
  readonly model?: string | RegExp | undefined;
  readonly reply: MockAnswer | ((request: LLMRequest, prompt: string) => MockAnswer | Promise<MockAnswer>);
  /** Use the rule this many times, then fall through. @default unlimited */
  readonly times?: number | undefined;
}

export interface MockFailure {
  readonly status: number;
  readonly message?: string | undefined;
  readonly retryAfterMs?: number | undefined;
  /** Fail this many requests. @default 1 */
  readonly times?: number | undefined;
  readonly match?: string | RegExp | undefined;
}

export interface MockProviderOptions {
  /**
   * The provider name it answers as. Named "mock", it serves the models
   * `mock-*` (default `mock-1`); under another name (`"openai"`) it stands in
   * for that provider and claims no models of its own.
   * @default "mock"
   */
  readonly name?: ProviderName | undefined;
  /** Milliseconds before each answer (a number or a function of the request). @default 0 */
  readonly latencyMs?: number | ((request: LLMRequest) => number) | undefined;
  readonly script?: readonly MockRule[] | undefined;
}

export class MockProvider implements Provider {
  readonly name: ProviderName;
  readonly modelPrefixes: readonly string[];
  readonly defaultModel: string | undefined;
  /** Every request received, in arrival order. */
  readonly requests: LLMRequest[] = [];
  /** Every embeddings request received (`agent.embed`), in arrival order: one per chunk of texts. */
  readonly embeddingRequests: EmbeddingRequest[] = [];
  /**
   * Embeddings: a unit vector drawn deterministically from the model, the text and
   * `inputType`, of `dimensions` floats (by default 1,536, or 3,072 for a model named `large`).
   */
  readonly embeddings: EmbeddingApi = {
    limits: { maxInputs: 2048, maxTokens: undefined },
    embed: async (request) => {
      this.embeddingRequests.push(request);
      const { dimensions = defaultDimensions(request.model), inputType } = request.options;
      return {
        vectors: request.texts.map((text) => fakeEmbedding(request.model, text, dimensions, inputType)),
        inputTokens: request.texts.reduce((sum, text) => sum + fakeTokens(text), 0),
        model: request.model,
      };
    },
  };
  /** Requests answered at this moment, and the most there ever were. */
  inFlight = 0;
  maxInFlight = 0;
  #latency: number | ((request: LLMRequest) => number);
  readonly #rules: { rule: MockRule; used: number }[] = [];
  readonly #failures: { failure: MockFailure; left: number }[] = [];

  constructor(options: MockProviderOptions = {}) {
    checkMockProviderOptions(options);
    this.name = options.name ?? "mock";
    this.modelPrefixes = this.name === "mock" ? ["mock-"] : [];
    this.defaultModel = this.name === "mock" ? "mock-1" : undefined;
    this.#latency = options.latencyMs ?? 0;
    for (const rule of options.script ?? []) this.script(rule);
  }

  /** Requests actually received (replays never reach a provider). */
  get requestCount(): number {
    return this.requests.length;
  }

  /** Add a scripted answer; the first matching rule wins. */
  script(rule: MockRule): this {
    checkMockRule(rule);
    this.#rules.push({ rule, used: 0 });
    return this;
  }

  /** Fail the next matching requests with an HTTP-like status. */
  failNext(failure: MockFailure): this {
    checkMockFailure(failure);
    this.#failures.push({ failure, left: failure.times ?? 1 });
    return this;
  }

  setLatency(latencyMs: number | ((request: LLMRequest) => number)): this {
    this.#latency = latencyMs;
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.maxInFlight = 0;
  }

  async generate(request: LLMRequest, options: { signal?: AbortSignal | undefined } = {}): Promise<LLMResult> {
    this.requests.push(request);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const latency = typeof this.#latency === "function" ? this.#latency(request) : this.#latency;
      if (latency > 0) await delay(latency, options.signal);
      const prompt = lastUserText(request);
      this.#maybeFail(request, prompt);
      return toResult(request, prompt, await this.#answer(request, prompt));
    } finally {
      this.inFlight--;
    }
  }

  #maybeFail(request: LLMRequest, prompt: string): void {
    const entry = this.#failures.find(
      ({ failure, left }) => left > 0 && (failure.match === undefined || matches(failure.match, prompt)),
    );
    if (!entry) return;
    entry.left--;
    throw providerError({
      provider: this.name,
      model: request.model,
      statusCode: entry.failure.status,
      providerMessage: entry.failure.message ?? `Injected failure ${entry.failure.status}`,
      requestId: `mock_req_${this.requests.length}`,
      retryAfterMs: entry.failure.retryAfterMs,
    });
  }

  async #answer(request: LLMRequest, prompt: string): Promise<MockAnswer> {
    for (const entry of this.#rules) {
      const { rule } = entry;
      if (rule.times !== undefined && entry.used >= rule.times) continue;
      if (rule.model !== undefined && !matches(rule.model, request.model)) continue;
      if (rule.match !== undefined) {
        const hit = typeof rule.match === "function" ? rule.match(request, prompt) : matches(rule.match, prompt);
        if (!hit) continue;
      }
      entry.used++;
      return typeof rule.reply === "function" ? rule.reply(request, prompt) : rule.reply;
    }
    const seed = `${request.model}\n${request.instructions ?? ""}\n${prompt}`;
    if (request.schema) return { json: sampleJsonSchema(request.schema.jsonSchema, seed) };
    return `Mock answer to "${prompt.slice(0, 60)}" [${createHash("sha256").update(seed).digest("hex").slice(0, 8)}]`;
  }
}

function toResult(request: LLMRequest, prompt: string, answer: MockAnswer): LLMResult {
  const reply: MockReply = typeof answer === "string" ? { text: answer } : answer;
  const text = reply.text ?? (reply.json !== undefined ? JSON.stringify(reply.json) : "");
  const toolCalls = (reply.toolCalls ?? []).map((call, index) => ({
    id: call.id ?? `call_mock_${index}`,
    name: call.name,
    args: call.args,
  }));
  const inputTokens = Math.ceil((prompt.length + (request.instructions?.length ?? 0)) / 4) + 1;
  const outputTokens = Math.ceil(text.length / 4) + 1;
  const usage: Usage = {
    inputTokens,
    outputTokens,
    cachedInputTokens: undefined,
    reasoningTokens: undefined,
    totalTokens: inputTokens + outputTokens,
    ...reply.usage,
  };
  const unified = reply.finishReason ?? (toolCalls.length > 0 ? "tool-calls" : "stop");
  return {
    text,
    toolCalls,
    usage,
    finishReason: { unified, raw: unified },
    responseId: `mock_${createHash("sha256").update(prompt).digest("hex").slice(0, 12)}`,
    model: request.model,
  };
}

function lastUserText(request: LLMRequest): string {
  for (let index = request.messages.length - 1; index >= 0; index--) {
    const message = request.messages[index];
    if (message.role !== "user") continue;
    return message.content
      .map((part) => {
        if (part.type === "text") return part.text;
        if (part.type === "tool-result")
          return typeof part.output === "string" ? part.output : JSON.stringify(part.output);
        return "";
      })
      .filter(Boolean)
      .join("\n");
  }
  return "";
}

function matches(pattern: string | RegExp, text: string): boolean {
  return typeof pattern === "string" ? text.includes(pattern) : pattern.test(text);
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
