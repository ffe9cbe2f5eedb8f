/**
 * `POST /v1/chat/completions`: reads the request, and shapes an answer as a
 * ChatCompletion (fixtures `openai.chat_*` in provider-payloads.json).
 */
import type { JsonSchema } from "../../core/llm.js";
import type { OfferedTool } from "./fake-server-types.js";
import { arrayOf, isObject, lastUserText, objectOf, stringOf } from "./json-shape.js";
import { chatChunks } from "./openai-chat-chunks.js";
import { validateChatBody } from "./openai-chat-validation.js";
import { type OpenAIEndpoint, openaiEndpointRoute } from "./openai-endpoint.js";
import { openaiLogprobs, topLogprobsOf } from "./openai-logprobs.js";
import type { Answer, RequestFacts } from "./provider-routes.js";
import { wireIds } from "./wire-ids.js";

/** Chat Completions, for direct calls and batch lines. */
export const openaiChatEndpoint: OpenAIEndpoint = {
  path: "/v1/chat/completions",
  describe: describeChatRequest,
  validate: validateChatBody,
  render: (body, answer) => renderChatCompletion(String(objectOf(body).model), answer, objectOf(body)),
  stream: (body, rendered) =>
    chatChunks(objectOf(rendered), objectOf(objectOf(body).stream_options).include_usage === true),
};

/** The Chat Completions route. */
export const openaiChatRoute = openaiEndpointRoute(openaiChatEndpoint);

/** Model, prompt, tools and schema of a Chat Completions request. */
export function describeChatRequest(body: unknown): RequestFacts {
  const request = objectOf(body);
  const messages = arrayOf(request.messages).map((message) => objectOf(message));
  const format = objectOf(request.response_format);
  return {
    model: stringOf(request.model),
    prompt: lastUserText(messages, "text"),
    tools: arrayOf(request.tools).flatMap(_tool),
    schema: _schema(format),
    afterToolResult: messages.at(-1)?.role === "tool",
  };
}

/** A ChatCompletion object for `answer`; token logprobs when `request` asks for them. */
export function renderChatCompletion(model: string, answer: Answer, request: Record<string, unknown> = {}): unknown {
  const message: Record<string, unknown> = {
    role: "assistant",
    content: answer.toolCalls.length > 0 && answer.text === "" ? null : answer.text,
    refusal: null,
    annotations: [],
  };
  if (answer.toolCalls.length > 0) {
    message.tool_calls = answer.toolCalls.map((call) => ({
      id: wireIds.openaiCall(),
      type: "function",
      function: { name: call.name, arguments: JSON.stringify(call.args ?? {}) },
    }));
  }
  return {
    id: wireIds.openaiChatCompletion(),
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message,
        logprobs:
          request.logprobs === true
            ? { content: openaiLogprobs(answer.text, topLogprobsOf(request)), refusal: null }
            : null,
        finish_reason: _finishReason(answer),
      },
    ],
    usage: {
      prompt_tokens: answer.inputTokens,
      completion_tokens: answer.outputTokens,
      total_tokens: answer.inputTokens + answer.outputTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: "default",
    system_fingerprint: "fp_fake0001",
  };
}

// --- internal ---

function _tool(tool: unknown): OfferedTool[] {
  const entry = objectOf(tool);
  const definition = objectOf(entry.function);
  if (entry.type !== "function" || typeof definition.name !== "string") return [];
  return [
    { name: definition.name, parameters: isObject(definition.parameters) ? definition.parameters : { type: "object" } },
  ];
}

function _schema(format: Record<string, unknown>): JsonSchema | undefined {
  const schema = objectOf(format.json_schema).schema;
  if (format.type === "json_schema" && isObject(schema)) return schema;
  if (format.type === "json_object") return { type: "object" };
  return undefined;
}

function _finishReason(answer: Answer): string {
  switch (answer.finishReason) {
    case "length":
      return "length";
    case "content-filter":
      return "content_filter";
    case "tool-calls":
      return "tool_calls";
    default:
      return "stop";
  }
}
