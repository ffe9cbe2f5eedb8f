/**
 * OpenAI's routes, in OpenAI's dialect or an OpenAI-compatible provider's
 * (`openai-dialects.ts`). The catch-all provider: any request no other
 * provider recognises is answered in OpenAI's shape.
 */
import { openaiChatRoute } from "./openai-chat-endpoint.js";
import { type OpenAIDialect, openaiDialects } from "./openai-dialects.js";
import { openaiEmbeddingsRoute } from "./openai-embeddings-endpoint.js";
import { openaiFilesRoutes } from "./openai-files-routes.js";
import { openaiError } from "./openai-respond.js";
import { openaiResponsesRoute } from "./openai-responses-endpoint.js";
import type { ProviderRoutes } from "./provider-routes.js";

/** The OpenAI route module speaking `dialect`. */
export function openaiRoutesFor(dialect: OpenAIDialect): ProviderRoutes {
  return {
    provider: "openai",
    recognizes: () => true,
    checkAccess: dialect.checkAccess,
    routePath: dialect.routePath,
    routes: [
      openaiResponsesRoute,
      dialect.chatRoute ?? openaiChatRoute,
      openaiEmbeddingsRoute,
      ...openaiFilesRoutes,
      ...dialect.batchRoutes,
    ],
    error: dialect.error ?? openaiError,
    notFound: (method, path) =>
      dialect.notFound ?? { status: 404, message: `Invalid URL (${method} ${path})`, code: null },
    malformedJson: {
      status: 400,
      message:
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
    },
  };
}

/** The OpenAI route module in OpenAI's own dialect. */
export const openaiRoutes: ProviderRoutes = openaiRoutesFor(openaiDialects.openai);
