/**
 * Neutral request → Responses API body (`POST /v1/responses`). Pure, so the
 * batch code can write the same body into a JSONL line.
 *
 * @see https://platform.openai.com/docs/api-reference/responses/create
 */
import type { LLMRequest, ToolChoice } from "../../core/llm.js";
import { convertToOpenAIResponsesInput } from "./convert-to-openai-responses-input.js";
import { prepareOpenAIStrictSchema } from "./prepare-openai-strict-schema.js";

/**
 * - `instructions` → `instructions`; messages → `input` items.
 * - `schema` → `text.format` `{ type: "json_schema", name, schema, strict }`,
 *   strict when the schema can be made strict (see `prepareOpenAIStrictSchema`).
 * - tools → flat `{ type: "function", name, description, parameters, strict }`,
 *   strict when the parameters can be made strict, else `strict: false` (the
 *   Responses API would otherwise assume strict and refuse them); `toolChoice` → `tool_choice`.
 * - `maxTokens` → `max_output_tokens`; `temperature`, `topP` → `temperature`, `top_p`.
 *   `stop` and `seed` do not exist in the Responses API and are left out; use
 *   `api: "chat"` when they matter.
 * - `providerOptions` are merged last, at the top level, and win.
 *
 * @example toOpenAIResponsesBody({ provider: "openai", model: "gpt-4.1-mini", messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] })
 * // { model: "gpt-4.1-mini", input: [{ role: "user", content: "Hi" }] }
 */
export function toOpenAIResponsesBody(request: LLMRequest): Record<string, unknown> {
  const body: Record<string, unknown> = { model: request.model };
  if (request.instructions !== undefined) body["instructions"] = request.instructions;
  body["input"] = convertToOpenAIResponsesInput(request.messages);
  if (request.schema) {
    const strictSchema = prepareOpenAIStrictSchema(request.schema.jsonSchema);
    body["text"] = {
      format: {
        type: "json_schema",
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
        name: tool.name,
        ...(tool.description !== undefined && { description: tool.description }),
        parameters: strictParameters ?? tool.parameters,
        strict: strictParameters !== undefined,
      };
    });
  }
  if (request.toolChoice !== undefined) body["tool_choice"] = _toolChoice(request.toolChoice);
  const options = request.options ?? {};
  if (options.maxTokens !== undefined) body["max_output_tokens"] = options.maxTokens;
  if (options.temperature !== undefined) body["temperature"] = options.temperature;
  if (options.topP !== undefined) body["top_p"] = options.topP;
  return { ...body, ...request.providerOptions };
}

// --- internal ---

function _toolChoice(choice: ToolChoice): unknown {
  return typeof choice === "string" ? choice : { type: "function", name: choice.name };
}
