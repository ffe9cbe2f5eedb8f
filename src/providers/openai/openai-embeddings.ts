/**
 * OpenAI's embeddings endpoint (`/v1/embeddings`) through the SDK's
 * `embeddings.create`: many texts per request, vectors asked for as base64
 * (a quarter of the JSON) and read straight into `Float32Array`s.
 *
 * @see https://platform.openai.com/docs/api-reference/embeddings/create
 */
import type OpenAI from "openai";
import { embeddingResult } from "../../core/embedding-result.js";
import type { LLMResult } from "../../core/llm.js";
import { decodeVector } from "../../core/vector-bytes.js";
import type { EmbeddingApi, EmbeddingRequest, EmbeddingResponse } from "../provider.js";
import { convertUnreadableResponse } from "../shared/unreadable-response.js";
import { convertOpenAIError } from "./convert-openai-error.js";
import type { OpenAIWire } from "./openai-wire.js";

/** Texts per request (more: 400), and input tokens per request (more: 400). */
export const openaiEmbeddingLimits = { maxInputs: 2048, maxTokens: 300_000 } as const;

/** The embeddings endpoint of an OpenAI-compatible provider named `name`. */
export function createOpenAIEmbeddingApi(
  getClient: () => Promise<OpenAI>,
  name: string,
  wire: OpenAIWire,
): EmbeddingApi {
  return {
    limits: openaiEmbeddingLimits,
    async embed(request: EmbeddingRequest): Promise<EmbeddingResponse> {
      const openai = await getClient();
      try {
        const response = await openai.embeddings.create(toOpenAIEmbeddingBody(request), { maxRetries: 0 });
        return fromOpenAIEmbeddingBody(response);
      } catch (error) {
        throw (
          convertOpenAIError(error, request.model, name, wire.apiKeyVariable) ??
          convertUnreadableResponse(error, name, request.model) ??
          error
        );
      }
    },
  };
}

/** The body of one embeddings request (also a batch line's body). */
export function toOpenAIEmbeddingBody(request: EmbeddingRequest): OpenAI.EmbeddingCreateParams {
  return {
    model: request.model,
    input: [...request.texts],
    encoding_format: "base64",
    ...(request.options.dimensions === undefined ? {} : { dimensions: request.options.dimensions }),
  };
}

/** An embeddings response body as vectors in input order (each item says its index), and its usage. */
export function fromOpenAIEmbeddingBody(body: OpenAI.CreateEmbeddingResponse): EmbeddingResponse {
  const vectors: Float32Array[] = new Array(body.data.length);
  for (const item of body.data) vectors[item.index] = decodeEmbedding(item.embedding as unknown);
  return { vectors, inputTokens: body.usage?.prompt_tokens, model: body.model };
}

/** A batch line's body (one text per line) as the call's result. */
export function fromOpenAIEmbeddingLine(body: Record<string, unknown>): LLMResult {
  const response = fromOpenAIEmbeddingBody(body as unknown as OpenAI.CreateEmbeddingResponse);
  const [vector] = response.vectors;
  if (response.vectors.length !== 1 || !vector) {
    throw new Error(`the body holds ${response.vectors.length} embeddings where one was asked for`);
  }
  return embeddingResult(vector, response.inputTokens, response.model);
}

// --- internal ---

/** A vector as base64 of little-endian float32s (what we ask for), or a JSON array of numbers (servers that ignore it). */
function decodeEmbedding(embedding: unknown): Float32Array {
  if (Array.isArray(embedding)) return Float32Array.from(embedding as number[]);
  if (typeof embedding !== "string") throw new Error("an embedding in the response is neither base64 nor an array");
  return decodeVector(Buffer.from(embedding, "base64"));
}
