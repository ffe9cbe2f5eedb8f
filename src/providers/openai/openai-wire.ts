/**
 * What an OpenAI-compatible provider does differently from OpenAI, as one
 * record: its key variable, its client, and its Batch API's endpoint names
 * and completion window. The adapter reads only this, never the provider's name.
 */
import type OpenAI from "openai";
import { openaiDefaults } from "./openai-defaults.js";
import type { OpenAIBatchEndpoint } from "./parse-openai-batch-line.js";

/** One provider's differences. */
export interface OpenAIWire {
  /** The environment variable its key is read from (and errors name). */
  readonly apiKeyVariable: string;
  /** How its messages name it ("OpenAI", "Groq"). */
  readonly label: string;
  /** The factory that makes it, named when its key is missing. */
  readonly factory: string;
  /** Its client, given the loaded SDK and a key; retries off (strategies retry). */
  readonly createClient: (sdk: typeof import("openai"), apiKey: string) => OpenAI;
  /** How its Batch API names each endpoint it batches (a batch's `endpoint` and each line's `url`). */
  readonly batchEndpoints: Readonly<Partial<Record<OpenAIBatchEndpoint, string>>>;
  /**
   * A Chat Completions stream ends with the usage unasked, and `stream_options`
   * is refused (Mistral). @default false: the usage is asked for with `stream_options.include_usage`
   */
  readonly streamsUsage?: boolean | undefined;
  /** Whether it serves `/v1/embeddings` (`agent.embed`): only where that is known. @default false */
  readonly embeddings?: boolean | undefined;
  /** The batch `completion_window` sent. @default "24h" */
  readonly completionWindow?: string | undefined;
}

/** OpenAI's own wire, at `baseURL` (a server of its own when given). */
export function openaiWire(baseURL: string | undefined): OpenAIWire {
  return {
    apiKeyVariable: openaiDefaults.apiKeyVariable,
    label: "OpenAI",
    factory: "createOpenAIProvider",
    createClient: (sdk, apiKey) => new sdk.default({ apiKey, baseURL, maxRetries: 0 }),
    // OpenAI's, and those of the servers that copy it (vLLM, Ollama, llama.cpp).
    embeddings: true,
    batchEndpoints: {
      "/v1/responses": "/v1/responses",
      "/v1/chat/completions": "/v1/chat/completions",
      "/v1/embeddings": "/v1/embeddings",
    },
  };
}

/** The neutral endpoint of a batch whose wire `endpoint` is `wireEndpoint`, if the wire has one. */
export function batchEndpointOf(wire: OpenAIWire, wireEndpoint: string): OpenAIBatchEndpoint | undefined {
  for (const [endpoint, name] of Object.entries(wire.batchEndpoints)) {
    if (name === wireEndpoint) return endpoint as OpenAIBatchEndpoint;
  }
  return undefined;
}
