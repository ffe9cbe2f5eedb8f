/**
 * The neutral request and result every provider adapter translates to and from.
 * Nothing here knows a vendor's wire format.
 */

/** A JSON Schema object (draft 2020-12 subset as the providers accept it). */
export type JsonSchema = { readonly [key: string]: unknown };

/**
 * The name a provider is registered under in a run (`"openai"`, or any key of
 * the `providers` option): used in `llm` strings and stored with each call.
 */
export type ProviderName = string;

/**
 * Which model answers, and under which name. A plain model string is routed by
 * the model prefixes the registered providers claim (`gpt-`, `claude-`,
 * `gemini-`...); an identity names the provider explicitly and may carry a
 * nickname (`id`) for agents-as-roles.
 */
export interface LLMIdentity {
  /** A nickname ("alice"); defaults to the model name. */
  readonly id?: string | undefined;
  readonly provider: ProviderName;
  readonly model: string;
  /**
   * The provider that serves this identity, when it brings its own
   * (`fromAiSdk(model)`): the run registers it under `provider` at its first use.
   */
  readonly [carriedProvider]?: object | undefined;
}

/** Key of the provider an `llm` identity brings along (see `LLMIdentity`). */
export const carriedProvider: unique symbol = Symbol.for("parallellm.carriedProvider");

export type LLM = string | LLMIdentity;

/** A part of a message's content. Binary data is base64 text so requests stay JSON. */
export type ContentPart =
  | { readonly type: "text"; readonly text: string }
  | {
      readonly type: "image";
      readonly mediaType: string;
      /** base64, without a `data:` prefix */
      readonly data?: string | undefined;
      readonly url?: string | undefined;
    }
  | {
      readonly type: "file";
      readonly mediaType: string;
      readonly data?: string | undefined;
      readonly url?: string | undefined;
      readonly filename?: string | undefined;
    }
  | { readonly type: "tool-call"; readonly id: string; readonly name: string; readonly args: unknown }
  | {
      readonly type: "tool-result";
      readonly toolCallId: string;
      readonly name: string;
      readonly output: unknown;
      readonly isError?: boolean | undefined;
    };

/** System text lives in `LLMRequest.instructions`, never in messages. */
export interface Message {
  readonly role: "user" | "assistant";
  readonly content: readonly ContentPart[];
}

export interface ToolDefinition {
  readonly name: string;
  readonly description?: string | undefined;
  /** JSON Schema of the arguments object. */
  readonly parameters: JsonSchema;
}

export type ToolChoice = "auto" | "required" | "none" | { readonly name: string };

export interface GenerationOptions {
  readonly temperature?: number | undefined;
  readonly topP?: number | undefined;
  readonly maxTokens?: number | undefined;
  readonly stop?: readonly string[] | undefined;
  readonly seed?: number | undefined;
}

export interface OutputSchema {
  /** Name the providers require for a JSON schema format (letters, digits, `_`, `-`). */
  readonly name: string;
  readonly jsonSchema: JsonSchema;
}

/** Everything a provider needs to answer one call. */
export interface LLMRequest {
  readonly provider: ProviderName;
  readonly model: string;
  readonly instructions?: string | undefined;
  readonly messages: readonly Message[];
  readonly schema?: OutputSchema | undefined;
  readonly tools?: readonly ToolDefinition[] | undefined;
  readonly toolChoice?: ToolChoice | undefined;
  readonly options?: GenerationOptions | undefined;
  /** Passed through to the provider's body unchanged (merged at the top level). */
  readonly providerOptions?: { readonly [key: string]: unknown } | undefined;
  /**
   * Set on an embedding call (`agent.embed`): its one message is the text to
   * embed, and the answer is a vector (`LLMResult.embedding`), not text.
   */
  readonly embedding?: EmbeddingOptions | undefined;
}

/** What shapes an embedding besides the model and the text. */
export interface EmbeddingOptions {
  /** Length of the vector, for models that can shorten theirs (OpenAI `dimensions`, Gemini `outputDimensionality`). */
  readonly dimensions?: number | undefined;
  /** What the text is for, for models that embed by purpose (Gemini `taskType`, e.g. `"RETRIEVAL_DOCUMENT"`). */
  readonly inputType?: string | undefined;
}

export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly args: unknown;
}

/** Token counts; `undefined` where the provider did not report a count. */
export interface Usage {
  readonly inputTokens: number | undefined;
  readonly outputTokens: number | undefined;
  readonly cachedInputTokens: number | undefined;
  readonly reasoningTokens: number | undefined;
  readonly totalTokens: number | undefined;
}

export type FinishReasonKind = "stop" | "length" | "tool-calls" | "content-filter" | "error" | "other";

export interface FinishReason {
  readonly unified: FinishReasonKind;
  readonly raw: string | undefined;
}

/** A provider's answer, normalised. Stored as JSON. */
export interface LLMResult {
  readonly text: string;
  readonly toolCalls: readonly ToolCall[];
  readonly usage: Usage;
  readonly finishReason: FinishReason;
  readonly responseId: string | undefined;
  /** The model the provider says answered (may be a dated snapshot). */
  readonly model: string | undefined;
  /** The vector of an embedding call (its `text` is empty); stored as binary, not in the result's JSON. */
  readonly embedding?: Float32Array | undefined;
}

export const emptyUsage: Usage = Object.freeze({
  inputTokens: undefined,
  outputTokens: undefined,
  cachedInputTokens: undefined,
  reasoningTokens: undefined,
  totalTokens: undefined,
});
