/**
 * Span attributes after the OpenTelemetry GenAI semantic conventions (client
 * inference spans), and our own under `parallellm.*`.
 * @see https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/
 */
import type { Attributes } from "@opentelemetry/api";
import type { ResolvedModel } from "../core/call-options.js";
import type { LLMRequest, LLMResult } from "../core/llm.js";
import type { PreparedCall } from "../core/prepare-call.js";
import type { CallKey } from "../store/store.js";

/** The operation of a call span: a chat completion (Responses, Messages, generateContent), or an embedding (`agent.embed`). */
export function operationOf(request: LLMRequest): "chat" | "embeddings" {
  return request.embedding ? "embeddings" : "chat";
}

/** `gen_ai.provider.name`: the convention's well-known value for a built-in provider, else the registered name. */
export function providerNameOf(provider: string): string {
  return _wellKnown[provider] ?? provider;
}

/** The span name the convention asks for: `{gen_ai.operation.name} {gen_ai.request.model}`. */
export function callSpanName(model: ResolvedModel, request: LLMRequest): string {
  return `${operationOf(request)} ${model.model}`;
}

/** What is known of a call before it is answered (or replayed). */
export function requestAttributes(key: CallKey, call: PreparedCall, position: number): Attributes {
  const attributes: Attributes = {
    "gen_ai.operation.name": operationOf(call.request),
    "gen_ai.provider.name": providerNameOf(call.llm.provider),
    "gen_ai.request.model": call.llm.model,
    "parallellm.provider": call.llm.provider,
    "parallellm.agent": key.agent,
    "parallellm.call.hash": key.hash,
    "parallellm.call.occurrence": key.occurrence,
    "parallellm.llm.position": position,
  };
  _setOptions(attributes, call.request.options);
  return attributes;
}

/** What the answer tells: the model that answered, its id, tokens and why it stopped. */
export function resultAttributes(result: LLMResult, answeredBy: string): Attributes {
  const attributes: Attributes = {
    "gen_ai.response.model": result.model ?? answeredBy,
    "gen_ai.response.finish_reasons": [result.finishReason.raw ?? result.finishReason.unified],
  };
  if (result.responseId !== undefined) attributes["gen_ai.response.id"] = result.responseId;
  if (result.usage.inputTokens !== undefined) attributes["gen_ai.usage.input_tokens"] = result.usage.inputTokens;
  if (result.usage.outputTokens !== undefined) attributes["gen_ai.usage.output_tokens"] = result.usage.outputTokens;
  return attributes;
}

// --- internal ---

/** @see https://opentelemetry.io/docs/specs/semconv/registry/attributes/gen-ai/ (`gen_ai.provider.name` values) */
const _wellKnown: Readonly<Record<string, string>> = { openai: "openai", anthropic: "anthropic", google: "gcp.gemini" };

function _setOptions(attributes: Attributes, options: LLMRequest["options"]): void {
  if (!options) return;
  if (options.temperature !== undefined) attributes["gen_ai.request.temperature"] = options.temperature;
  if (options.topP !== undefined) attributes["gen_ai.request.top_p"] = options.topP;
  if (options.maxTokens !== undefined) attributes["gen_ai.request.max_tokens"] = options.maxTokens;
  if (options.seed !== undefined) attributes["gen_ai.request.seed"] = options.seed;
  if (options.stop !== undefined) attributes["gen_ai.request.stop_sequences"] = [...options.stop];
}
