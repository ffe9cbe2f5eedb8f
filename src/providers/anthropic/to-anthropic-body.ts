/**
 * A neutral request → the body of `POST /v1/messages` (also the `params` of a
 * Message Batches request).
 */
import type { LLMRequest } from "../../core/llm.js";
import { convertToAnthropicMessages } from "./convert-to-anthropic-messages.js";
import { toAnthropicOutputSchema } from "./prepare-anthropic-schema.js";
import { prepareAnthropicTools } from "./prepare-anthropic-tools.js";

/** `max_tokens` is required by Anthropic; this is sent when `options.maxTokens` is unset. */
export const defaultAnthropicMaxTokens = 4096;

/**
 * Build the non-streaming Messages body for `request`.
 *
 * - `temperature` and `topP` are not sent: API version 2026-10-21, which
 *   `@anthropic-ai/sdk` 1.x sends, answers 400 to them even at default values
 *   (the Anthropic API's 2026-10-21 migration notes). A user on an older API version can
 *   still force them through `providerOptions`.
 * - `seed` has no Anthropic equivalent and is not sent.
 * - Structured output uses the native `output_config.format` (JSON schema), with
 *   the schema in the subset Anthropic takes (see `prepare-anthropic-schema.ts`).
 * - `providerOptions` are merged last, at the top level; `output_config` one
 *   level deeper, so `{ output_config: { effort } }` keeps the schema.
 *
 * @example
 * toAnthropicBody({ provider: "anthropic", model: "claude-sonnet-4-5", messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] })
 * // → { model: "claude-sonnet-4-5", max_tokens: 4096, messages: [{ role: "user", content: "Hi" }] }
 */
export function toAnthropicBody(request: LLMRequest): Record<string, unknown> {
  const options = request.options ?? {};
  const format = request.schema
    ? { format: { type: "json_schema", schema: toAnthropicOutputSchema(request.schema.jsonSchema) } }
    : undefined;
  const extraOutputConfig = request.providerOptions?.["output_config"] as Record<string, unknown> | undefined;
  // `output_config` also holds `effort`: a user setting it keeps the schema's format.
  const outputConfig = format || extraOutputConfig ? { ...format, ...extraOutputConfig } : undefined;
  return {
    model: request.model,
    max_tokens: options.maxTokens ?? defaultAnthropicMaxTokens,
    ...(request.instructions ? { system: request.instructions } : {}),
    messages: convertToAnthropicMessages(request.messages),
    ...prepareAnthropicTools(request.tools, request.toolChoice),
    ...(options.stop && options.stop.length > 0 ? { stop_sequences: [...options.stop] } : {}),
    ...request.providerOptions,
    ...(outputConfig ? { output_config: outputConfig } : {}),
  };
}
