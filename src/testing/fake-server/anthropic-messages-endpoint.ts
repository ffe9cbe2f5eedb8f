/**
 * `POST /v1/messages`: reads the request, and shapes an answer as a Message
 * (fixtures `anthropic.*` in provider-payloads.json).
 */
import type { JsonSchema } from "../../core/llm.js";
import { anthropicError, anthropicSuccess } from "./anthropic-respond.js";
import { checkMessagesSchemas } from "./anthropic-schema-rules.js";
import { anthropicStreamEvents } from "./anthropic-stream-events.js";
import { type AnthropicVersion, validateMessagesBody } from "./anthropic-validation.js";
import type { OfferedTool } from "./fake-server-types.js";
import { arrayOf, isObject, lastUserText, objectOf, stringOf } from "./json-shape.js";
import type { Answer, RequestFacts, Route } from "./provider-routes.js";
import { headerValue } from "./request-headers.js";
import { wireIds } from "./wire-ids.js";

/** The Messages route. Access checks have already vetted `anthropic-version`. */
export const anthropicMessagesRoute: Route = {
  method: "POST",
  pattern: /^\/v1\/messages$/,
  describe: (exchange) => describeMessagesRequest(exchange.body),
  handle(exchange, context) {
    const version = headerValue(exchange.headers, "anthropic-version") as AnthropicVersion;
    const problem = validateMessagesBody(exchange.body, version) ?? checkMessagesSchemas(objectOf(exchange.body));
    if (problem) return anthropicError(problem);
    const message = renderMessage(String(objectOf(exchange.body).model), exchange.answer(context), version);
    const success = anthropicSuccess(message);
    if (objectOf(exchange.body).stream !== true) return success;
    return { ...success, events: anthropicStreamEvents(objectOf(message)) };
  },
};

/** Model, prompt, tools and schema of a Messages request. */
export function describeMessagesRequest(body: unknown): RequestFacts {
  const request = objectOf(body);
  const messages = arrayOf(request.messages).map((message) => objectOf(message));
  const last = messages.at(-1);
  return {
    model: stringOf(request.model),
    prompt: lastUserText(messages, "text"),
    tools: arrayOf(request.tools).flatMap(_tool),
    schema: _schema(objectOf(objectOf(request.output_config).format)),
    afterToolResult:
      last?.role === "user" && arrayOf(last.content).some((block) => objectOf(block).type === "tool_result"),
  };
}

/** A Message object for `answer`; version 2026-10-21 adds its nullable fields. */
export function renderMessage(model: string, answer: Answer, version: AnthropicVersion): unknown {
  const content: unknown[] = [];
  if (answer.text !== "" || answer.toolCalls.length === 0) content.push({ type: "text", text: answer.text });
  for (const call of answer.toolCalls) {
    content.push({ type: "tool_use", id: wireIds.anthropicToolUse(), name: call.name, input: call.args ?? {} });
  }
  return {
    model,
    id: wireIds.anthropicMessage(),
    type: "message",
    role: "assistant",
    content,
    stop_reason: _stopReason(answer),
    stop_sequence: null,
    ...(version === "2026-10-21" ? { stop_details: null, container: null, diagnostics: null } : {}),
    usage: {
      input_tokens: answer.inputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
      output_tokens: answer.outputTokens,
      service_tier: "standard",
    },
  };
}

// --- internal ---

function _tool(tool: unknown): OfferedTool[] {
  const entry = objectOf(tool);
  if (typeof entry.name !== "string" || !isObject(entry.input_schema)) return [];
  return [{ name: entry.name, parameters: entry.input_schema }];
}

function _schema(format: Record<string, unknown>): JsonSchema | undefined {
  return format.type === "json_schema" && isObject(format.schema) ? format.schema : undefined;
}

function _stopReason(answer: Answer): string {
  switch (answer.finishReason) {
    case "length":
      return "max_tokens";
    case "content-filter":
      return "refusal";
    case "tool-calls":
      return "tool_use";
    default:
      return "end_turn";
  }
}
