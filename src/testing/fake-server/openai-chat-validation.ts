/**
 * Checks `POST /v1/chat/completions` bodies the way the API does. Field list:
 * `ChatCompletionCreateParamsBase` of openai 6.49 (a superset of providers.md §1.1).
 */
import { arrayOf, isObject, objectOf } from "./json-shape.js";
import { checkOpenAIObjectRoot, checkOpenAIStrictSchema } from "./openai-strict-schema-rules.js";
import { checkCommonFields, invalidType, invalidValue, missingParameter } from "./openai-validation.js";
import type { ProviderFailure } from "./provider-routes.js";

const chatFields = new Set([
  "audio",
  "frequency_penalty",
  "function_call",
  "functions",
  "logit_bias",
  "logprobs",
  "max_completion_tokens",
  "max_tokens",
  "messages",
  "metadata",
  "modalities",
  "model",
  "moderation",
  "n",
  "parallel_tool_calls",
  "prediction",
  "presence_penalty",
  "prompt_cache_key",
  "prompt_cache_options",
  "prompt_cache_retention",
  "reasoning_effort",
  "response_format",
  "safety_identifier",
  "seed",
  "service_tier",
  "stop",
  "store",
  "stream",
  "stream_options",
  "temperature",
  "tool_choice",
  "tools",
  "top_logprobs",
  "top_p",
  "user",
  "verbosity",
  "web_search_options",
]);

const roles = ["developer", "system", "user", "assistant", "tool", "function"];
const partTypes = ["text", "image_url", "input_audio", "file", "refusal"];

/** The first problem with a `POST /v1/chat/completions` body. */
export function validateChatBody(body: unknown): ProviderFailure | undefined {
  if (!isObject(body)) return invalidType("body", "an object", body);
  const common = checkCommonFields(body, chatFields, "messages");
  if (common) return common;
  if (!Array.isArray(body.messages)) return invalidType("messages", "an array", body.messages);
  if (body.messages.length === 0) {
    return {
      status: 400,
      message:
        "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      param: "messages",
      code: "empty_array",
    };
  }
  let openCallIds = new Set<string>();
  for (const [index, message] of body.messages.entries()) {
    const problem = _checkMessage(message, `messages[${index}]`, openCallIds);
    if (problem) return problem;
    const entry = objectOf(message);
    if (entry.role === "assistant") {
      openCallIds = new Set(arrayOf(entry.tool_calls).map((call) => String(objectOf(call).id)));
    }
  }
  for (const [index, tool] of arrayOf(body.tools).entries()) {
    const entry = objectOf(tool);
    if (entry.type !== "function") continue;
    if (!isObject(entry.function)) return missingParameter(`tools[${index}].function`);
    const { name, parameters, strict } = entry.function;
    if (!isObject(parameters)) continue;
    const site = {
      label: `function '${String(name)}'`,
      param: `tools[${index}].function.parameters`,
      code: "invalid_function_parameters",
    };
    const problem =
      strict === true ? checkOpenAIStrictSchema(parameters, site) : checkOpenAIObjectRoot(parameters, site);
    if (problem) return problem;
  }
  const format = objectOf(body.response_format);
  if (format.type === "json_schema") {
    const jsonSchema = objectOf(format.json_schema);
    if (typeof jsonSchema.name !== "string") return missingParameter("response_format.json_schema.name");
    if (jsonSchema.strict === true && isObject(jsonSchema.schema)) {
      const site = {
        label: `response_format '${jsonSchema.name}'`,
        param: "response_format",
        code: "invalid_json_schema",
      };
      const problem = checkOpenAIStrictSchema(jsonSchema.schema, site);
      if (problem) return problem;
    }
  }
  return undefined;
}

// --- internal ---

function _checkMessage(message: unknown, param: string, openCallIds: ReadonlySet<string>): ProviderFailure | undefined {
  if (!isObject(message)) return invalidType(param, "an object", message);
  if (typeof message.role !== "string" || !roles.includes(message.role)) {
    return invalidValue(`${param}.role`, message.role, roles);
  }
  if (message.role === "tool") {
    if (typeof message.tool_call_id !== "string") return missingParameter(`${param}.tool_call_id`);
    if (!openCallIds.has(message.tool_call_id)) {
      return {
        status: 400,
        message:
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
        param: `${param}.role`,
      };
    }
  }
  if (!Array.isArray(message.content)) return undefined;
  for (const [index, part] of message.content.entries()) {
    const entry = objectOf(part);
    const partParam = `${param}.content[${index}]`;
    if (typeof entry.type !== "string" || !partTypes.includes(entry.type)) {
      return invalidValue(`${partParam}.type`, entry.type, partTypes);
    }
    if (entry.type === "image_url" && typeof objectOf(entry.image_url).url !== "string") {
      return missingParameter(`${partParam}.image_url.url`);
    }
  }
  return undefined;
}
