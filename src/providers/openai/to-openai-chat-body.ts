/**
 * Neutral request → Chat Completions body (`POST /v1/chat/completions`), for
 * OpenAI and OpenAI-compatible servers. Pure, so the batch code can write the
 * same body into a JSONL line.
 *
 * @see https://platform.openai.com/docs/api-reference/chat/create
 */
import type { LLMRequest, ToolChoice } from "../../core/llm.js";
import { convertToOpenAIChatMessages } from "./convert-to-openai-chat-messages.js";
import { prepareOpenAIStrictSchema } from "./prepare-openai-strict-schema.js";

/**
 * - `instructions` → a leading `system` message; messages → `messages`.
 * - `schema` → `response_format` `{ type: "json_schema", json_schema: { name, schema, strict } }`,
 *   strict when the schema can be made strict (see `prepareOpenAIStrictSchema`).
 * - tools → `{ type: "function", function: { name, description, parameters, strict } }`,
 *   `strict: true` when the parameters can be made strict; otherwise no `strict`
 *   (it defaults to false here, and some compatible servers reject unknown
 *   fields); `toolChoice` → `tool_choice`.
 * - `maxTokens` → `max_completion_tokens`; `temperature`, `topP`, `stop`, `seed`
 *   → `temperature`, `top_p`, `stop`, `seed`.
 * - `providerOptions` are merged last, at the top level, and win (e.g.
 *   `{ max_tokens: 512 }` for a server that predates `max_completion_tokens`).
 *
 * @example toOpenAIChatBody({ provider: "openai", model: "gpt-4.1-mini", api: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] })
 * // { model: "gpt-4.1-mini", messages: [{ role: "user", content: "Hi" }] }
 */
export function toOpenAIChatBody(request: LLMRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: request.model,
    messages: convertToOpenAIChatMessages(request.instructions, request.messages),
  };
  if (request.schema) {
    const strictSchema = prepareOpenAIStrictSchema(request.schema.jsonSchema);
    body["response_format"] = {
      type: "json_schema",
      json_schema: {
        name: request.schema.name,
        schema: strictSchema ?? request.schema.jsonSchema,
        strict: strictSchema !== undefined,
      },
    };
  }
  if (request.tools && request.tools.length > 0) {
    body["tools"] = request.tools.map((tool) => {
      const strictParameters = prepareOpenAIStrictSchema(tool.parameters);
      return {
        type: "function",
        function: {
          name: tool.name,
          ...(tool.description !== undefined && { description: tool.description }),
          parameters: strictParameters ?? tool.parameters,
          ...(strictParameters !== undefined && { strict: true }),
        },
      };
    });
  }
  if (request.toolChoice !== undefined) body["tool_choice"] = _toolChoice(request.toolChoice);
  const options = request.options ?? {};
  if (options.maxTokens !== undefined) body["max_completion_tokens"] = options.maxTokens;
  if (options.temperature !== undefined) body["temperature"] = options.temperature;
  if (options.topP !== undefined) body["top_p"] = options.topP;
  if (options.stop !== undefined && options.stop.length > 0) body["stop"] = [...options.stop];
  if (options.seed !== undefined) body["seed"] = options.seed;
  return { ...body, ...request.providerOptions };
}

// --- internal ---

function _toolChoice(choice: ToolChoice): unknown {
  return typeof choice === "string" ? choice : { type: "function", function: { name: choice.name } };
}
