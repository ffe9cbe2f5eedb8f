/**
 * The OpenAI adapter: Responses API by default, Chat Completions with
 * `api: "chat"` (for OpenAI-compatible servers such as vLLM, Ollama or
 * llama.cpp). Translates and classifies; never retries. Each instance is one
 * endpoint, so a run can register several under names of their own.
 */
import type OpenAI from "openai";
import { AuthenticationError } from "../../core/errors.js";
import type { LLMRequest } from "../../core/llm.js";
import type { GeneratedResult, Provider, StreamOptions } from "../provider.js";
import { checkToolParameters } from "../shared/check-tool-parameters.js";
import { sharedClient } from "../shared/lazy-module.js";
import { streamCut, streamFailure } from "../shared/stream-cut.js";
import { convertUnreadableResponse } from "../shared/unreadable-response.js";
import { withRaw } from "../shared/with-raw.js";
import { convertOpenAIError } from "./convert-openai-error.js";
import { fromOpenAIChatBody } from "./from-openai-chat-body.js";
import { fromOpenAIResponsesBody } from "./from-openai-responses-body.js";
import { createOpenAIBatchApi } from "./openai-batch.js";
import { openaiDefaults } from "./openai-defaults.js";
import { createOpenAIEmbeddingApi } from "./openai-embeddings.js";
import { openaiSdk } from "./openai-sdk.js";
import { type OpenAIWire, openaiWire } from "./openai-wire.js";
import { readOpenAIChatStream } from "./read-openai-chat-stream.js";
import { readOpenAIResponsesStream } from "./read-openai-responses-stream.js";
import { toOpenAIChatBody } from "./to-openai-chat-body.js";
import { toOpenAIResponsesBody } from "./to-openai-responses-body.js";

export interface OpenAIProviderSettings {
  /**
   * The name it is registered under (`providers: { [name]: ... }`), used in
   * `llm` (`"local:llama3.1"`) and in its errors. Under a name other than
   * `"openai"` it claims no model prefixes and has no default model: address
   * it as `"name:model"`.
   * @default "openai"
   */
  readonly name?: string | undefined;
  /**
   * `"responses"` for the Responses API, `"chat"` for Chat Completions (most
   * OpenAI-compatible servers speak only this). Part of each call's stored
   * identity (as `api`), so switching it sends the calls again.
   * @default "responses" (not stored, as before `api` existed)
   */
  readonly api?: "responses" | "chat" | undefined;
  /**
   * A ready client, e.g. one pointed at a local server. Its own retry setting
   * is overridden per request: retries belong to the strategies.
   */
  readonly client?: OpenAI | undefined;
  /**
   * Used when no `client` is given.
   * @default process.env.OPENAI_API_KEY
   */
  readonly apiKey?: string | undefined;
  /**
   * Used when no `client` is given.
   * @default process.env.OPENAI_BASE_URL ?? "https://api.openai.com/v1"
   */
  readonly baseURL?: string | undefined;
  /**
   * Per-batch limits the planner splits by, e.g. lower for an organisation
   * whose enqueued-token quota is small.
   * @default { maxRequests: 50_000, maxBytes: 200 * 1024 * 1024 }
   */
  readonly batchLimits?:
    | { readonly maxRequests?: number | undefined; readonly maxBytes?: number | undefined }
    | undefined;
}

/**
 * Create the OpenAI provider, Batch API included (`provider.batch`). The
 * client is made on the first call, so replaying stored answers needs no API key.
 *
 * @example
 * const local = createOpenAIProvider({ name: "local", baseURL: "http://127.0.0.1:8000/v1", apiKey: "unused", api: "chat" });
 * await Parallellm.open(dir, { providers: { local }, llm: "local:llama3.1" });
 */
export function createOpenAIProvider(settings: OpenAIProviderSettings = {}): Provider {
  return createOpenAICompatibleProvider(settings, openaiWire(settings.baseURL));
}

/**
 * An OpenAI-compatible provider speaking `wire` (what it does differently
 * from OpenAI), for the factories of such providers (`createGroqProvider`...).
 */
export function createOpenAICompatibleProvider(settings: OpenAIProviderSettings, wire: OpenAIWire): Provider {
  const getClient = sharedClient(() => _createClient(settings, wire));
  const name = settings.name ?? openaiDefaults.name;
  const chat = settings.api === "chat";
  const claims = name === openaiDefaults.name;
  const batchUrl = wire.batchEndpoints[chat ? "/v1/chat/completions" : "/v1/responses"];
  return {
    name,
    api: settings.api,
    modelPrefixes: claims ? openaiDefaults.modelPrefixes : [],
    defaultModel: claims ? openaiDefaults.defaultModel : undefined,
    apiKeyVariable: wire.apiKeyVariable,
    batch:
      batchUrl === undefined
        ? undefined
        : createOpenAIBatchApi(getClient, { name, wire, url: batchUrl, chat, limits: settings.batchLimits }),
    embeddings: wire.embeddings ? createOpenAIEmbeddingApi(getClient, name, wire) : undefined,
    // Any output schema goes: strict when it can be made strict, else `strict: false`.
    checkRequest: (request) => checkToolParameters(request.tools, wire.label),
    async generate(
      request: LLMRequest,
      options?: { signal?: AbortSignal | undefined; keepRaw?: boolean | undefined },
    ): Promise<GeneratedResult> {
      const openai = await getClient();
      // Per request, so an injected client's own `maxRetries` cannot add hidden retries.
      const requestOptions = { signal: options?.signal, maxRetries: 0 };
      try {
        if (chat) {
          const body = toOpenAIChatBody(request) as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
          const completion = await openai.chat.completions.create(body, requestOptions);
          return withRaw(fromOpenAIChatBody(completion), completion, options?.keepRaw);
        }
        const body = toOpenAIResponsesBody(request) as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming;
        const response = await openai.responses.create(body, requestOptions);
        // `output_text` is the SDK's own addition, not the body's.
        return withRaw(fromOpenAIResponsesBody(response), response, options?.keepRaw, "output_text");
      } catch (error) {
        throw convertError(error, request.model);
      }
    },
    async stream(request: LLMRequest, options: StreamOptions): Promise<GeneratedResult> {
      const openai = await getClient();
      const requestOptions = { signal: options.signal, maxRetries: 0 };
      const where = { provider: name, model: request.model };
      let opened = false;
      try {
        if (chat) {
          const body = toOpenAIChatBody(request) as unknown as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
          const usage = wire.streamsUsage ? {} : { stream_options: { include_usage: true } };
          const streamed = { ...body, stream: true as const, ...usage };
          const chunks = await openai.chat.completions.create(streamed, requestOptions);
          opened = true;
          const completion = await readOpenAIChatStream(chunks, options.onTextDelta);
          if (!completion) throw streamCut(name, request.model, "it ended before a finish reason");
          return withRaw(fromOpenAIChatBody(completion), completion, options.keepRaw);
        }
        const body = toOpenAIResponsesBody(request) as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming;
        const events = await openai.responses.create({ ...body, stream: true }, requestOptions);
        opened = true;
        const response = await readOpenAIResponsesStream(events, options.onTextDelta, where);
        if (!response) throw streamCut(name, request.model, "it ended before response.completed");
        return withRaw(fromOpenAIResponsesBody(response), response, options.keepRaw, "output_text");
      } catch (error) {
        throw streamFailure(error, convertError(error, request.model), opened, name, request.model);
      }
    },
  };

  function convertError(error: unknown, model: string): unknown {
    return (
      convertOpenAIError(error, model, name, wire.apiKeyVariable) ??
      convertUnreadableResponse(error, name, model) ??
      error
    );
  }
}

// --- internal ---

async function _createClient(settings: OpenAIProviderSettings, wire: OpenAIWire): Promise<OpenAI> {
  // Loaded even for an injected client: its errors are told apart by the SDK's classes.
  const sdk = await openaiSdk.load();
  if (settings.client) return settings.client;
  const apiKey = settings.apiKey ?? process.env[wire.apiKeyVariable];
  if (!apiKey) {
    const name = settings.name ?? openaiDefaults.name;
    throw new AuthenticationError(
      "authentication",
      name === openaiDefaults.name
        ? `OpenAI API key is missing. Set the ${wire.apiKeyVariable} environment variable or pass clients: { openai } / apiKey.`
        : `The API key of provider "${name}" is missing. Pass ${wire.factory}({ name: "${name}", apiKey }) (any non-empty string for a server that wants none), or set the ${wire.apiKeyVariable} environment variable.`,
      { provider: name, requestSent: false },
    );
  }
  return wire.createClient(sdk, apiKey);
}
