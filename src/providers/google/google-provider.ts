/**
 * The Gemini adapter: one `generateContent` call per request, and the Batch
 * API, through `@google/genai` (Gemini Developer API), without SDK retries
 * (strategies retry).
 */
import type { GenerateContentConfig, GenerateContentParameters, GoogleGenAI } from "@google/genai";
import { AuthenticationError } from "../../core/errors.js";
import type { LLMRequest, Provider } from "../provider.js";
import { checkToolParameters } from "../shared/check-tool-parameters.js";
import { sharedClient } from "../shared/lazy-module.js";
import { streamCut, streamFailure } from "../shared/stream-cut.js";
import { convertUnreadableResponse } from "../shared/unreadable-response.js";
import { withRaw } from "../shared/with-raw.js";
import { convertGeminiError } from "./convert-gemini-error.js";
import { fromGeminiResponse } from "./from-gemini-response.js";
import { createGeminiBatchApi } from "./gemini-batch.js";
import { createGeminiEmbeddingApi } from "./gemini-embeddings.js";
import { geminiSdk } from "./gemini-sdk.js";
import type { GoogleClient } from "./google-client.js";
import { googleDefaults } from "./google-defaults.js";
import { toGeminiJsonSchema } from "./prepare-gemini-schema.js";
import { readGeminiStream } from "./read-gemini-stream.js";
import { toGeminiRequest } from "./to-gemini-request.js";

export interface GoogleProviderSettings {
  /**
   * The name it is registered under (`providers: { [name]: ... }`), used in
   * `llm` and in its errors. Under a name other than "google" it claims no
   * model prefixes and has no default model: address it as `"name:model"`.
   * @default "google"
   */
  readonly name?: string | undefined;
  /** A ready client (e.g. for Vertex AI, or pointed at a fake server). */
  readonly client?: GoogleClient | undefined;
  /** @default process.env.GOOGLE_API_KEY ?? process.env.GEMINI_API_KEY */
  readonly apiKey?: string | undefined;
  /** @default process.env.GOOGLE_GEMINI_BASE_URL ?? "https://generativelanguage.googleapis.com/" */
  readonly baseURL?: string | undefined;
  /**
   * The API version in the path. Pinned so that an SDK upgrade (3.x defaults
   * to `v1`) does not move the adapter silently.
   * @default "v1beta"
   */
  readonly apiVersion?: string | undefined;
  /**
   * Per-batch limits for the Batch API (inline requests, under 20 MB in all).
   * @default { maxRequests: 100_000, maxBytes: 18_000_000 }
   */
  // Spelt out rather than `GeminiBatchLimits`: its file's types load the SDK's, which need the DOM library.
  readonly batchLimits?:
    | { readonly maxRequests?: number | undefined; readonly maxBytes?: number | undefined }
    | undefined;
}

/**
 * Create the Gemini provider, with its Batch API as `batch`. The client is
 * made on the first call, so replaying stored answers needs no key.
 *
 * @example
 * const google = createGoogleProvider({ baseURL: "http://127.0.0.1:8080" });
 */
export function createGoogleProvider(settings: GoogleProviderSettings = {}): Provider {
  const getClient = sharedClient(() => _createClient(settings));
  const name = settings.name ?? googleDefaults.name;
  const claims = name === googleDefaults.name;
  return {
    name,
    modelPrefixes: claims ? googleDefaults.modelPrefixes : [],
    defaultModel: claims ? googleDefaults.defaultModel : undefined,
    apiKeyVariable: googleDefaults.apiKeyVariable,
    batch: createGeminiBatchApi(getClient, settings.batchLimits),
    embeddings: createGeminiEmbeddingApi(getClient, name),
    checkRequest(request) {
      if (request.schema) toGeminiJsonSchema(request.schema.jsonSchema, "The schema");
      checkToolParameters(request.tools, "Gemini");
      for (const tool of request.tools ?? []) toGeminiJsonSchema(tool.parameters, `Tool "${tool.name}" parameters`);
    },
    async generate(request, options) {
      const parameters = _parameters(request, options?.signal);
      try {
        const response = await (await getClient()).models.generateContent(parameters);
        // The SDK keeps the documented fields of the body (safety ratings, grounding, logprobs...)
        // and adds the HTTP headers, which are not the body.
        return withRaw(fromGeminiResponse(response), response, options?.keepRaw, "sdkHttpResponse");
      } catch (error) {
        throw convertError(error, request.model);
      }
    },
    async stream(request, options) {
      const parameters = _parameters(request, options.signal);
      let opened = false;
      try {
        const chunks = await (await getClient()).models.generateContentStream(parameters);
        opened = true;
        const response = await readGeminiStream(chunks, options.onTextDelta);
        if (!response) throw streamCut(name, request.model, "it ended before a finish reason");
        return withRaw(fromGeminiResponse(response), response, options.keepRaw, "sdkHttpResponse");
      } catch (error) {
        throw streamFailure(error, convertError(error, request.model), opened, name, request.model);
      }
    },
  };

  function convertError(error: unknown, model: string): unknown {
    return convertGeminiError(error, model, name) ?? convertUnreadableResponse(error, name, model) ?? error;
  }
}

/** The SDK's parameters for `request`: one attempt even if an injected client was built with retryOptions. */
function _parameters(request: LLMRequest, signal: AbortSignal | undefined): GenerateContentParameters {
  const { model, contents, config } = toGeminiRequest(request);
  return {
    model,
    contents,
    config: {
      ...config,
      httpOptions: { ...(config["httpOptions"] as object | undefined), retryOptions: { attempts: 1 } },
      ...(signal ? { abortSignal: signal } : {}),
    } as GenerateContentConfig,
  } as GenerateContentParameters;
}

// --- internal ---

async function _createClient(settings: GoogleProviderSettings): Promise<GoogleGenAI> {
  // Loaded even for an injected client: its errors are told apart by the SDK's classes.
  const { GoogleGenAI } = await geminiSdk.load();
  // GoogleClient names only what parallellm calls; what it is given is a GoogleGenAI.
  if (settings.client) return settings.client as GoogleGenAI;
  // GOOGLE_API_KEY wins when both are set, as in the SDK.
  const apiKey = settings.apiKey ?? (process.env["GOOGLE_API_KEY"] || process.env["GEMINI_API_KEY"]);
  if (!apiKey) {
    throw new AuthenticationError(
      "authentication",
      `Gemini API key is missing. Set the ${googleDefaults.apiKeyVariable} environment variable or pass clients: { google } / apiKey.`,
      { provider: settings.name ?? googleDefaults.name, requestSent: false },
    );
  }
  return new GoogleGenAI({
    apiKey,
    // The adapter speaks the Gemini Developer API; GOOGLE_GENAI_USE_VERTEXAI must not switch it.
    vertexai: false,
    httpOptions: { baseUrl: settings.baseURL, apiVersion: settings.apiVersion ?? "v1beta" },
  });
}
