/**
 * A neutral request → the parameters of the SDK's
 * `client.models.generateContent({ model, contents, config })`.
 */
import type { LLMRequest } from "../../core/llm.js";
import { convertToGeminiContents } from "./convert-to-gemini-contents.js";
import { toGeminiJsonSchema } from "./prepare-gemini-schema.js";
import { prepareGeminiTools } from "./prepare-gemini-tools.js";

/** What `client.models.generateContent` takes. */
export interface GeminiRequest {
  readonly model: string;
  readonly contents: unknown[];
  /** A `GenerateContentConfig` (flat: generation fields next to `tools`, `systemInstruction`...). */
  readonly config: Record<string, unknown>;
}

/**
 * Build the SDK parameters for `request`; JSON schemas in the subset Gemini
 * takes (see `prepare-gemini-schema.ts`). `providerOptions` are
 * `GenerateContentConfig` fields (`topK`, `thinkingConfig`, `safetySettings`...),
 * merged into `config` last. `toGeminiRestBody` derives the REST body from
 * this, so a direct call and a batch line always agree.
 *
 * @example
 * toGeminiRequest({ provider: "google", model: "gemini-2.5-flash", messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] })
 * // → { model: "gemini-2.5-flash", contents: [{ role: "user", parts: [{ text: "Hi" }] }], config: {} }
 */
export function toGeminiRequest(request: LLMRequest): GeminiRequest {
  const options = request.options ?? {};
  const config: Record<string, unknown> = {
    // The form the SDK itself sends for a string instruction.
    ...(request.instructions ? { systemInstruction: { parts: [{ text: request.instructions }], role: "user" } } : {}),
    ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    ...(options.topP === undefined ? {} : { topP: options.topP }),
    ...(options.maxTokens === undefined ? {} : { maxOutputTokens: options.maxTokens }),
    ...(options.stop && options.stop.length > 0 ? { stopSequences: [...options.stop] } : {}),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(request.schema
      ? {
          responseMimeType: "application/json",
          responseJsonSchema: toGeminiJsonSchema(request.schema.jsonSchema, "The schema"),
        }
      : {}),
    ...prepareGeminiTools(request.tools, request.toolChoice),
    ...request.providerOptions,
  };
  return { model: request.model, contents: convertToGeminiContents(request.messages, request.model), config };
}
