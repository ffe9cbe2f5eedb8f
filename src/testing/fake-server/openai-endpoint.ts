/**
 * An OpenAI generation endpoint as one value: how a body is read, checked and
 * answered. The direct route and batch lines both use it, so a batch result
 * body is exactly what a direct call returns for the same request.
 */
import { objectOf } from "./json-shape.js";
import { openaiError, openaiSuccess } from "./openai-respond.js";
import type { Answer, ProviderFailure, RequestFacts, Route, WireEvent } from "./provider-routes.js";

/** `/v1/responses`, `/v1/chat/completions` or `/v1/embeddings`. */
export interface OpenAIEndpoint {
  readonly path: "/v1/responses" | "/v1/chat/completions" | "/v1/embeddings";
  /** Model, prompt, tools and schema; never throws. */
  readonly describe: (body: unknown) => RequestFacts;
  /** The first problem the API would answer with a 4xx. */
  readonly validate: (body: unknown) => ProviderFailure | undefined;
  /** The success body for a valid request. */
  readonly render: (body: unknown, answer: Answer) => unknown;
  /** The rendered success body as the endpoint streams it (`stream: true`); an endpoint that does not stream has none. */
  readonly stream?: (body: unknown, rendered: unknown) => WireEvent[];
}

/** The direct `POST` route of an endpoint. */
export function openaiEndpointRoute(endpoint: OpenAIEndpoint): Route {
  return {
    method: "POST",
    pattern: new RegExp(`^${endpoint.path}$`),
    describe: (exchange) => endpoint.describe(exchange.body),
    handle(exchange, context) {
      const problem = endpoint.validate(exchange.body);
      if (problem) return openaiError(problem);
      const rendered = endpoint.render(exchange.body, exchange.answer(context));
      const success = openaiSuccess(rendered);
      if (objectOf(exchange.body).stream !== true || endpoint.stream === undefined) return success;
      return { ...success, events: endpoint.stream(exchange.body, rendered) };
    },
  };
}
