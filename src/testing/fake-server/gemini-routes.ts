/**
 * Gemini's routes (`x-goog-api-key`, or `?key=`), under `/v1beta` and `/v1`:
 * generateContent, batchEmbedContents and the Batch API.
 * A missing key is a 403 and a wrong key a 400 `API_KEY_INVALID`, as the real
 * API answers (providers.md §3.3).
 */
import { geminiBatchRoutes } from "./gemini-batch-routes.js";
import { geminiEmbedRoute } from "./gemini-embed-endpoint.js";
import { geminiGenerateRoute } from "./gemini-generate-endpoint.js";
import { geminiError } from "./gemini-respond.js";
import type { ProviderRoutes } from "./provider-routes.js";
import { headerValue } from "./request-headers.js";

/** The Gemini route module. */
export const geminiRoutes: ProviderRoutes = {
  provider: "google",
  recognizes: (url, headers) =>
    headers["x-goog-api-key"] !== undefined ||
    url.searchParams.has("key") ||
    url.pathname.startsWith("/v1beta/") ||
    /^\/v1\/models\/[^/]+:/.test(url.pathname),
  checkAccess(url, headers, requiredKey) {
    const key = headerValue(headers, "x-goog-api-key") ?? url.searchParams.get("key") ?? "";
    if (key === "") {
      return {
        status: 403,
        message:
          "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
      };
    }
    if (requiredKey !== undefined && key !== requiredKey) {
      return { status: 400, message: "API key not valid. Please pass a valid API key.", code: "API_KEY_INVALID" };
    }
    return undefined;
  },
  routes: [geminiGenerateRoute, geminiEmbedRoute, ...geminiBatchRoutes],
  error: geminiError,
  notFound: (method, path) => ({ status: 404, message: `Method not found: ${method} ${path}` }),
  malformedJson: { status: 400, message: "Invalid JSON payload received." },
};
