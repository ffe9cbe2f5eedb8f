/**
 * `POST /v1/responses`: reads the request, and shapes an answer as a Response
 * object (fixtures `openai.responses_*` in provider-payloads.json).
 */
import type { JsonSchema } from "../../core/llm.js";
import type { OfferedTool } from "./fake-server-types.js";
import { arrayOf, isObject, lastUserText, objectOf, stringOf } from "./json-shape.js";
import { type OpenAIEndpoint, openaiEndpointRoute } from "./openai-endpoint.js";
import { openaiLogprobs, topLogprobsOf } from "./openai-logprobs.js";
import { responsesEvents } from "./openai-responses-events.js";
import { validateResponsesBody } from "./openai-responses-validation.js";
import type { Answer, RequestFacts } from "./provider-routes.js";
import { wireIds } from "./wire-ids.js";

/** The Responses API, for direct calls and batch lines. */
export const openaiResponsesEndpoint: OpenAIEndpoint = {
  path: "/v1/responses",
  describe: describeResponsesRequest,
  validate: validateResponsesBody,
  render: (body, answer) => renderResponse(objectOf(body), answer),
  stream: (_body, rendered) => responsesEvents(objectOf(rendered)),
};

/** The Responses API route. */
export const openaiResponsesRoute = openaiEndpointRoute(openaiResponsesEndpoint);

/** Model, prompt, tools and schema of a Responses request. */
export function describeResponsesRequest(body: unknown): RequestFacts {
  const request = objectOf(body);
  const input = request.input;
  const items = arrayOf(input);
  const format = objectOf(objectOf(request.text).format);
  return {
    model: stringOf(request.model),
    prompt: typeof input === "string" ? input : lastUserText(items, "input_text"),
    tools: arrayOf(request.tools).flatMap(_tool),
    schema: _schema(format),
    afterToolResult: objectOf(items.at(-1)).type === "function_call_output",
  };
}

/** A Response object for `answer`, echoing the request's settings as the API does. */
export function renderResponse(request: Record<string, unknown>, answer: Answer): unknown {
  const now = Math.floor(Date.now() / 1000);
  const output: unknown[] = [];
  if (answer.text !== "" || answer.toolCalls.length === 0) {
    output.push({
      id: wireIds.openaiMessage(),
      type: "message",
      status: "completed",
      content: [
        {
          type: "output_text",
          annotations: [],
          logprobs: arrayOf(request.include).includes("message.output_text.logprobs")
            ? openaiLogprobs(answer.text, topLogprobsOf(request))
            : [],
          text: answer.text,
        },
      ],
      role: "assistant",
    });
  }
  for (const call of answer.toolCalls) {
    output.push({
      type: "function_call",
      id: wireIds.openaiFunctionCall(),
      call_id: wireIds.openaiCall(),
      name: call.name,
      arguments: JSON.stringify(call.args ?? {}),
      status: "completed",
    });
  }
  const incompleteReason = _incompleteReason(answer);
  return {
    id: wireIds.openaiResponse(),
    object: "response",
    created_at: now,
    status: incompleteReason ? "incomplete" : "completed",
    completed_at: incompleteReason ? null : now,
    error: null,
    incomplete_details: incompleteReason ? { reason: incompleteReason } : null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model: request.model,
    output,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    store: request.store ?? true,
    temperature: request.temperature ?? 1,
    text: request.text ?? { format: { type: "text" } },
    tool_choice: request.tool_choice ?? "auto",
    tools: request.tools ?? [],
    top_p: request.top_p ?? 1,
    truncation: "disabled",
    usage: {
      input_tokens: answer.inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: answer.outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: answer.inputTokens + answer.outputTokens,
    },
    user: null,
    metadata: request.metadata ?? {},
  };
}

// --- internal ---

function _tool(tool: unknown): OfferedTool[] {
  const entry = objectOf(tool);
  if (entry.type !== "function" || typeof entry.name !== "string") return [];
  return [{ name: entry.name, parameters: isObject(entry.parameters) ? entry.parameters : { type: "object" } }];
}

function _schema(format: Record<string, unknown>): JsonSchema | undefined {
  if (format.type === "json_schema" && isObject(format.schema)) return format.schema;
  if (format.type === "json_object") return { type: "object" };
  return undefined;
}

function _incompleteReason(answer: Answer): string | undefined {
  if (answer.finishReason === "length") return "max_output_tokens";
  if (answer.finishReason === "content-filter") return "content_filter";
  return undefined;
}
