/**
 * OpenAI's routes (`Authorization: Bearer`). The catch-all provider: any
 * request no other provider recognises is answered in OpenAI's shape.
 */
import { openaiBatchRoutes } from "./openai-batch-routes.js";
import { openaiChatRoute } from "./openai-chat-endpoint.js";
import { openaiFilesRoutes } from "./openai-files-routes.js";
import { openaiError } from "./openai-respond.js";
import { openaiResponsesRoute } from "./openai-responses-endpoint.js";
import type { ProviderRoutes } from "./provider-routes.js";
import { bearerToken, maskKey } from "./request-headers.js";

/** The OpenAI route module. */
export const openaiRoutes: ProviderRoutes = {
  provider: "openai",
  recognizes: () => true,
  checkAccess(_url, headers, requiredKey) {
    const key = bearerToken(headers);
    if (key === undefined) {
      return {
        status: 401,
        message:
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.",
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
  },
  routes: [openaiResponsesRoute, openaiChatRoute, ...openaiFilesRoutes, ...openaiBatchRoutes],
  error: openaiError,
  notFound: (method, path) => ({ status: 404, message: `Invalid URL (${method} ${path})`, code: null }),
  malformedJson: {
    status: 400,
    message:
      "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
  },
};
