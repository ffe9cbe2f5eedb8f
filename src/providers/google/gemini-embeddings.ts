/**
 * Gemini's embeddings through the SDK's `models.embedContent`, which the Gemini
 * Developer API serves as `batchEmbedContents`: up to 100 texts per request,
 * each with its task type and output dimensionality. Its responses report no
 * token counts, so these calls carry none.
 *
 * @see https://ai.google.dev/api/embeddings#method:-models.batchembedcontents
 */
import type { EmbedContentParameters, EmbedContentResponse, GoogleGenAI } from "@google/genai";
import type { EmbeddingApi, EmbeddingRequest, EmbeddingResponse } from "../provider.js";
import { convertUnreadableResponse } from "../shared/unreadable-response.js";
import { convertGeminiError } from "./convert-gemini-error.js";

/** Texts per request (more: 400 "at most 100 requests can be in one batch"); no token limit per request, only per text. */
export const geminiEmbeddingLimits = { maxInputs: 100, maxTokens: undefined } as const;

/** The embeddings of the Gemini provider named `name`. */
export function createGeminiEmbeddingApi(getClient: () => Promise<GoogleGenAI>, name: string): EmbeddingApi {
  return {
    limits: geminiEmbeddingLimits,
    async embed(request: EmbeddingRequest): Promise<EmbeddingResponse> {
      try {
        const response = await (await getClient()).models.embedContent(toGeminiEmbedParameters(request));
        return fromGeminiEmbedResponse(response, request.texts.length);
      } catch (error) {
        throw (
          convertGeminiError(error, request.model, name) ??
          convertUnreadableResponse(error, name, request.model) ??
          error
        );
      }
    },
  };
}

/** The SDK's parameters for one request. */
export function toGeminiEmbedParameters(request: EmbeddingRequest): EmbedContentParameters {
  const { dimensions, inputType } = request.options;
  return {
    model: request.model,
    contents: request.texts.map((text) => ({ role: "user", parts: [{ text }] })),
    config: {
      ...(inputType === undefined ? {} : { taskType: inputType }),
      ...(dimensions === undefined ? {} : { outputDimensionality: dimensions }),
      // One attempt even if an injected client was built with retryOptions.
      httpOptions: { retryOptions: { attempts: 1 } },
    },
  };
}

function fromGeminiEmbedResponse(response: EmbedContentResponse, texts: number): EmbeddingResponse {
  const embeddings = response.embeddings ?? [];
  if (embeddings.length !== texts) {
    throw new Error(`Gemini answered ${embeddings.length} embeddings for ${texts} texts`);
  }
  return {
    vectors: embeddings.map((embedding) => Float32Array.from(embedding.values ?? [])),
    inputTokens: undefined,
    model: undefined,
  };
}
