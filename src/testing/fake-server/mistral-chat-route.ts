/**
 * Mistral's chat completions: OpenAI's, but a stream always ends with the
 * usage on its last chunk, and `stream_options` is refused as an extra input
 * (422 `extra_forbidden`, as every field Mistral does not know).
 * @see https://docs.mistral.ai/resources/release-note/2024-01-16-token-usage-in-streaming-requests
 */
import { objectOf } from "./json-shape.js";
import { mistralError } from "./mistral-batch-routes.js";
import { openaiChatRoute } from "./openai-chat-endpoint.js";
import type { Route } from "./provider-routes.js";

/** The chat completions route of the Mistral dialect. */
export const mistralChatRoute: Route = {
  ...openaiChatRoute,
  handle(exchange, context) {
    const body = objectOf(exchange.body);
    if (body.stream_options !== undefined) {
      return mistralError({
        status: 422,
        body: {
          object: "error",
          message: {
            detail: [
              {
                type: "extra_forbidden",
                loc: ["body", "stream_options"],
                msg: "Extra inputs are not permitted",
                input: body.stream_options,
              },
            ],
          },
          type: "invalid_request_error",
          param: null,
          code: null,
        },
      });
    }
    if (body.stream !== true) return openaiChatRoute.handle(exchange, context);
    // Streamed as OpenAI streams with the usage asked for: Mistral sends it unasked.
    const withUsage = { ...body, stream_options: { include_usage: true } };
    return openaiChatRoute.handle({ ...exchange, body: withUsage }, context);
  },
};
