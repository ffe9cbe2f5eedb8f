/**
 * `POST /v1/embeddings` (direct, and as batch lines): a CreateEmbeddingResponse
 * with deterministic vectors, and the API's limits enforced with its own
 * errors: at most 2048 inputs and 300,000 tokens per request, 8192 tokens per
 * input, `dimensions` only for the text-embedding-3 models.
 *
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 */
import { defaultDimensions, fakeEmbedding, fakeTokens } from "./fake-embedding.js";
import { arrayOf, objectOf, stringOf } from "./json-shape.js";
import { type OpenAIEndpoint, openaiEndpointRoute } from "./openai-endpoint.js";
import type { ProviderFailure, RequestFacts } from "./provider-routes.js";

/** Inputs per request, tokens per request, tokens per input. */
export const openaiEmbeddingLimits = { inputs: 2048, requestTokens: 300_000, inputTokens: 8192 } as const;

/** The embeddings endpoint, for direct calls and batch lines. */
export const openaiEmbeddingsEndpoint: OpenAIEndpoint = {
  path: "/v1/embeddings",
  describe: describeEmbeddingRequest,
  validate: validateEmbeddingBody,
  render: renderEmbeddings,
};

/** The embeddings route. */
export const openaiEmbeddingsRoute = openaiEndpointRoute(openaiEmbeddingsEndpoint);

function describeEmbeddingRequest(body: unknown): RequestFacts {
  const request = objectOf(body);
  return {
    model: stringOf(request.model),
    prompt: _inputs(request.input)[0] ?? "",
    tools: [],
    schema: undefined,
    afterToolResult: false,
  };
}

function validateEmbeddingBody(body: unknown): ProviderFailure | undefined {
  const request = objectOf(body);
  const model = stringOf(request.model);
  if (model === undefined) return { status: 400, message: "you must provide a model parameter", param: null };
  // The endpoint does not stream: an argument it does not know is refused.
  if (request.stream !== undefined) {
    return { status: 400, message: "Unrecognized request argument supplied: stream", param: null, code: null };
  }
  const inputs = _inputs(request.input);
  const validInput =
    (typeof request.input === "string" || Array.isArray(request.input)) &&
    inputs.length > 0 &&
    inputs.length <= openaiEmbeddingLimits.inputs &&
    inputs.every((input) => typeof input === "string" && input !== "");
  if (!validInput) {
    return {
      status: 400,
      message: "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
      param: null,
      code: null,
    };
  }
  if (request.dimensions !== undefined && !model.startsWith("text-embedding-3")) {
    return { status: 400, message: "This model does not support specifying dimensions.", param: null, code: null };
  }
  let total = 0;
  for (const input of inputs) {
    const tokens = fakeTokens(input);
    if (tokens > openaiEmbeddingLimits.inputTokens) {
      return {
        status: 400,
        message: `This model's maximum context length is ${openaiEmbeddingLimits.inputTokens} tokens, however you requested ${tokens} tokens (${tokens} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.`,
        param: null,
        code: null,
      };
    }
    total += tokens;
  }
  if (total > openaiEmbeddingLimits.requestTokens) {
    return {
      status: 400,
      message: `Requested ${total} tokens, max ${openaiEmbeddingLimits.requestTokens} tokens per request`,
      param: null,
      code: "max_tokens_per_request",
    };
  }
  return undefined;
}

function renderEmbeddings(body: unknown): unknown {
  const request = objectOf(body);
  const model = String(request.model);
  const dimensions = typeof request.dimensions === "number" ? request.dimensions : defaultDimensions(model);
  const inputs = _inputs(request.input);
  const base64 = request.encoding_format === "base64";
  let tokens = 0;
  const data = inputs.map((input, index) => {
    tokens += fakeTokens(input);
    const vector = fakeEmbedding(model, input, dimensions);
    const embedding = base64 ? Buffer.from(vector.buffer).toString("base64") : Array.from(vector);
    return { object: "embedding", index, embedding };
  });
  return { object: "list", data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

// --- internal ---

function _inputs(input: unknown): readonly string[] {
  return (typeof input === "string" ? [input] : arrayOf(input)) as readonly string[];
}
