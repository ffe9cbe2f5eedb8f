/**
 * Providers that speak OpenAI's wire format with differences of their own
 * (Groq, Azure OpenAI; Mistral's chat completions, next to its own batch jobs)
 * (`startFakeProviderServer({ openaiDialect })`): where their paths live, how
 * they take a key, which query parameters they require, and what their Batch
 * API accepts. One record per provider; the OpenAI routes read it.
 *
 * Sources: docs/batch-providers.md.
 */
import { randomBytes } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import OpenAI, { AzureOpenAI } from "openai";
import type { OpenAIDialectName } from "./fake-server-types.js";
import { mistralBatchRoutes, mistralError } from "./mistral-batch-routes.js";
import { mistralChatRoute } from "./mistral-chat-route.js";
import { openaiBatchRoutesFor } from "./openai-batch-routes.js";
import { openaiChatEndpoint } from "./openai-chat-endpoint.js";
import { openaiEmbeddingsEndpoint } from "./openai-embeddings-endpoint.js";
import { openaiResponsesEndpoint } from "./openai-responses-endpoint.js";
import { invalidValue } from "./openai-validation.js";
import type { ProviderFailure, Route, WireResponse } from "./provider-routes.js";
import { bearerToken, headerValue, maskKey } from "./request-headers.js";

/** The `api-version` the fake Azure client sends (Azure's GA version with Batch). */
export const azureFakeApiVersion = "2024-10-21";

/** Azure's answer to a path it does not serve, or a request without `api-version`. */
export const azureResourceNotFound: ProviderFailure = {
  status: 404,
  body: { error: { code: "404", message: "Resource not found" } },
};

/** What one OpenAI-compatible provider does differently. */
export interface OpenAIDialect {
  readonly name: OpenAIDialectName;
  /** The OpenAI path (`/v1/...`) the routes match for `url`; `undefined` when `url` is outside the provider's paths. */
  readonly routePath: (url: URL) => string | undefined;
  /** The key it reads and the parameters it requires; a failure when they are missing or wrong. */
  readonly checkAccess: (
    url: URL,
    headers: IncomingHttpHeaders,
    requiredKey: string | undefined,
  ) => ProviderFailure | undefined;
  /** What it answers for a path it does not serve. @default OpenAI's "Invalid URL" */
  readonly notFound?: ProviderFailure | undefined;
  /** Its chat completions route, when its rules differ from OpenAI's. @default OpenAI's */
  readonly chatRoute?: Route | undefined;
  /** Its Batch API: a copy of OpenAI's with rules of its own (`openaiBatchRoutesFor`), or its own. */
  readonly batchRoutes: readonly Route[];
  /** How it renders an error. @default OpenAI's `{ error: { message, type, param, code } }` */
  readonly error?: ((failure: ProviderFailure) => WireResponse) | undefined;
  /** An SDK client pointed at a fake server at `url`, with retries off. */
  readonly client: (url: string, apiKey: string) => OpenAI;
}

/** The dialects by name. */
export const openaiDialects: Readonly<Record<OpenAIDialectName, OpenAIDialect>> = {
  openai: {
    name: "openai",
    routePath: (url) => url.pathname,
    checkAccess: (_url, headers, requiredKey) => _checkOpenAIBearer(bearerToken(headers), requiredKey),
    batchRoutes: openaiBatchRoutesFor({
      // openai 6.49 `BatchCreateParams.endpoint`.
      acceptedEndpoints: [
        "/v1/responses",
        "/v1/chat/completions",
        "/v1/embeddings",
        "/v1/completions",
        "/v1/moderations",
        "/v1/images/generations",
        "/v1/images/edits",
        "/v1/videos",
      ],
      batchEndpoints: {
        [openaiResponsesEndpoint.path]: openaiResponsesEndpoint,
        [openaiChatEndpoint.path]: openaiChatEndpoint,
        [openaiEmbeddingsEndpoint.path]: openaiEmbeddingsEndpoint,
      },
      checkWindow: _only24Hours,
      batchModels: undefined,
    }),
    client: (url, apiKey) => new OpenAI({ apiKey, baseURL: `${url}/v1`, maxRetries: 0 }),
  },
  groq: {
    name: "groq",
    // https://api.groq.com/openai/v1/...
    routePath: (url) => (url.pathname.startsWith("/openai/v1/") ? url.pathname.slice("/openai".length) : undefined),
    checkAccess(_url, headers, requiredKey) {
      const key = bearerToken(headers);
      if (key !== undefined && (requiredKey === undefined || key === requiredKey)) return undefined;
      return { status: 401, message: "Invalid API Key", code: "invalid_api_key" };
    },
    batchRoutes: openaiBatchRoutesFor({
      acceptedEndpoints: ["/v1/chat/completions"],
      batchEndpoints: { [openaiChatEndpoint.path]: openaiChatEndpoint },
      checkWindow(window: unknown) {
        const hours = _windowHours(window);
        if (hours !== undefined && hours >= 24 && hours <= 7 * 24) return undefined;
        return {
          status: 400,
          message: `Invalid 'completion_window': '${String(window)}'. Use a duration from '24h' to '7d'.`,
          param: "completion_window",
          code: "invalid_value",
        };
      },
      batchModels: ["llama-3.1-8b-instant", "llama-3.3-70b-versatile"],
    }),
    client: (url, apiKey) => new OpenAI({ apiKey, baseURL: `${url}/openai/v1`, maxRetries: 0 }),
  },
  azure: {
    name: "azure",
    // https://<resource>.openai.azure.com/openai/{files,batches,deployments/...}?api-version=...
    routePath(url) {
      if (!url.pathname.startsWith("/openai/") || url.pathname.startsWith("/openai/v1/")) return undefined;
      // Generation goes to a deployment: /openai/deployments/{name}/chat/completions.
      const path = url.pathname.slice("/openai".length).replace(/^\/deployments\/[^/]+(?=\/chat\/completions$)/, "");
      return `/v1${path}`;
    },
    checkAccess(url, headers, requiredKey) {
      // Azure's gateway answers a missing api-version with a bare 404, not a 400.
      if (!url.searchParams.get("api-version")) return azureResourceNotFound;
      const key = headerValue(headers, "api-key");
      if (!key || (requiredKey !== undefined && key !== requiredKey)) {
        return {
          status: 401,
          body: {
            error: {
              code: "401",
              message:
                "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
            },
          },
        };
      }
      return undefined;
    },
    notFound: azureResourceNotFound,
    batchRoutes: openaiBatchRoutesFor({
      acceptedEndpoints: ["/chat/completions", "/embeddings"],
      batchEndpoints: { "/chat/completions": openaiChatEndpoint },
      checkWindow: _only24Hours,
      batchModels: undefined,
    }),
    client: (url, apiKey) => new AzureOpenAI({ apiKey, endpoint: url, apiVersion: azureFakeApiVersion, maxRetries: 0 }),
  },
  mistral: {
    name: "mistral",
    // https://api.mistral.ai/v1/...: chat completions as OpenAI's, batch jobs its own.
    routePath: (url) => url.pathname,
    checkAccess(_url, headers, requiredKey) {
      const key = bearerToken(headers);
      if (key !== undefined && (requiredKey === undefined || key === requiredKey)) return undefined;
      return { status: 401, body: { message: "Unauthorized", request_id: randomBytes(16).toString("hex") } };
    },
    chatRoute: mistralChatRoute,
    batchRoutes: mistralBatchRoutes,
    error: mistralError,
    client: (url, apiKey) => new OpenAI({ apiKey, baseURL: `${url}/v1`, maxRetries: 0 }),
  },
};

// --- internal ---

function _checkOpenAIBearer(key: string | undefined, requiredKey: string | undefined): ProviderFailure | undefined {
  if (key === undefined) {
    return {
      status: 401,
      message: `You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.`,
      code: null,
    };
  }
  if (requiredKey !== undefined && key !== requiredKey) {
    return {
      status: 401,
      message: `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      code: "invalid_api_key",
    };
  }
  return undefined;
}

function _only24Hours(window: unknown): ProviderFailure | undefined {
  return window === "24h" ? undefined : invalidValue("completion_window", window, ["24h"]);
}

/** `"24h"` → 24, `"7d"` → 168; `undefined` for anything else. */
function _windowHours(window: unknown): number | undefined {
  const match = typeof window === "string" ? /^(\d+)([hd])$/.exec(window) : null;
  if (!match) return undefined;
  return Number(match[1]) * (match[2] === "d" ? 24 : 1);
}
