/**
 * Checks `POST /v1/responses` bodies the way the API does. Field list:
 * `ResponseCreateParamsBase` of openai 6.49 (a superset of providers.md §1.2).
 */
import { arrayOf, isObject, objectOf } from "./json-shape.js";
import { checkOpenAIObjectRoot, checkOpenAIStrictSchema } from "./openai-strict-schema-rules.js";
import {
  checkCommonFields,
  invalidType,
  invalidValue,
  missingParameter,
  unknownParameter,
} from "./openai-validation.js";
import type { ProviderFailure } from "./provider-routes.js";

const responsesFields = new Set([
  "background",
  "context_management",
  "conversation",
  "include",
  "input",
  "instructions",
  "max_output_tokens",
  "metadata",
  "model",
  "moderation",
  "parallel_tool_calls",
  "previous_response_id",
  "prompt",
  "prompt_cache_key",
  "prompt_cache_options",
  "prompt_cache_retention",
  "reasoning",
  "safety_identifier",
  "service_tier",
  "store",
  "stream",
  "stream_options",
  "temperature",
  "text",
  "tool_choice",
  "tools",
  "top_logprobs",
  "top_p",
  "truncation",
  "user",
]);

const roles = ["user", "assistant", "system", "developer"];
const itemTypes = ["message", "function_call", "function_call_output", "reasoning", "item_reference"];
const partTypes = ["input_text", "input_image", "input_file", "output_text", "refusal"];

/** The first problem with a `POST /v1/responses` body. */
export function validateResponsesBody(body: unknown): ProviderFailure | undefined {
  if (!isObject(body)) return invalidType("body", "an object", body);
  const common = checkCommonFields(body, responsesFields, "input");
  if (common) return common;
  if (typeof body.input !== "string" && !Array.isArray(body.input)) {
    return invalidType("input", "a string or an array", body.input);
  }
  const callIds = new Set<string>();
  for (const [index, item] of arrayOf(body.input).entries()) {
    const problem = _checkItem(item, `input[${index}]`, callIds, body.previous_response_id !== undefined);
    if (problem) return problem;
  }
  for (const [index, tool] of arrayOf(body.tools).entries()) {
    const entry = objectOf(tool);
    if (entry.type !== "function") continue;
    if ("function" in entry) return unknownParameter(`tools[${index}].function`);
    if (typeof entry.name !== "string") return missingParameter(`tools[${index}].name`);
    if (!isObject(entry.parameters)) continue;
    const site = {
      label: `function '${entry.name}'`,
      param: `tools[${index}].parameters`,
      code: "invalid_function_parameters",
    };
    // The Responses API makes function tools strict unless told `strict: false`.
    const problem =
      entry.strict === false
        ? checkOpenAIObjectRoot(entry.parameters, site)
        : checkOpenAIStrictSchema(entry.parameters, site);
    if (problem) return problem;
  }
  const format = objectOf(objectOf(body.text).format);
  if (format.type === "json_schema") {
    if (typeof format.name !== "string") return missingParameter("text.format.name");
    if (!isObject(format.schema)) return missingParameter("text.format.schema");
    if (format.strict === true) {
      const site = {
        label: `response_format '${format.name}'`,
        param: "text.format.schema",
        code: "invalid_json_schema",
      };
      const problem = checkOpenAIStrictSchema(format.schema, site);
      if (problem) return problem;
    }
  }
  return undefined;
}

// --- internal ---

function _checkItem(
  item: unknown,
  param: string,
  callIds: Set<string>,
  continuesResponse: boolean,
): ProviderFailure | undefined {
  if (!isObject(item)) return invalidType(param, "an object", item);
  const type = item.type ?? "message";
  if (typeof type !== "string" || !itemTypes.includes(type)) {
    return invalidValue(`${param}.type`, type, itemTypes);
  }
  if (type === "function_call" && typeof item.call_id === "string") callIds.add(item.call_id);
  if (type === "function_call_output") {
    if (typeof item.call_id !== "string") return missingParameter(`${param}.call_id`);
    if (item.output === undefined) return missingParameter(`${param}.output`);
    if (!continuesResponse && !callIds.has(item.call_id)) {
      return {
        status: 400,
        message: `No tool call found for function call output with call_id ${item.call_id}.`,
        param: "input",
      };
    }
  }
  if (type !== "message") return undefined;
  if (typeof item.role !== "string" || !roles.includes(item.role)) {
    return invalidValue(`${param}.role`, item.role, roles);
  }
  if (typeof item.content === "string") return undefined;
  if (!Array.isArray(item.content)) return invalidType(`${param}.content`, "a string or an array", item.content);
  for (const [index, part] of item.content.entries()) {
    const entry = objectOf(part);
    const partParam = `${param}.content[${index}]`;
    if (typeof entry.type !== "string" || !partTypes.includes(entry.type)) {
      return invalidValue(`${partParam}.type`, entry.type, partTypes);
    }
    if (entry.type === "input_image" && entry.image_url === undefined && entry.file_id === undefined) {
      return missingParameter(`${partParam}.image_url`);
    }
  }
  return undefined;
}
