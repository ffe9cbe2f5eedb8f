/**
 * Shared pieces of OpenAI request validation: the API's own messages
 * ("Unknown parameter: 'x'.", "Missing required parameter: 'model'.").
 */
import { firstUnknownKey, type JsonObject, jsonTypeName } from "./json-shape.js";
import type { ProviderFailure } from "./provider-routes.js";

/** Unknown fields, a missing or non-string `model`, a missing content field, and `stream` settings. */
export function checkCommonFields(
  body: JsonObject,
  allowed: ReadonlySet<string>,
  contentField: string,
): ProviderFailure | undefined {
  const unknown = firstUnknownKey(body, allowed);
  if (unknown !== undefined) return unknownParameter(unknown);
  if (body.model === undefined) return missingParameter("model");
  if (typeof body.model !== "string") return invalidType("model", "a string", body.model);
  if (body[contentField] === undefined) return missingParameter(contentField);
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== "boolean") {
    return invalidType("stream", "a boolean", body.stream);
  }
  if (body.stream_options !== undefined && body.stream_options !== null && body.stream !== true) {
    return {
      status: 400,
      message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
      param: "stream_options",
      code: null,
    };
  }
  return undefined;
}

/** `Unknown parameter: 'x'.` */
export function unknownParameter(param: string): ProviderFailure {
  return { status: 400, message: `Unknown parameter: '${param}'.`, param, code: "unknown_parameter" };
}

/** `Missing required parameter: 'x'.` */
export function missingParameter(param: string): ProviderFailure {
  return { status: 400, message: `Missing required parameter: '${param}'.`, param, code: "missing_required_parameter" };
}

/** `Invalid type for 'x': expected …, but got … instead.` */
export function invalidType(param: string, expected: string, value: unknown): ProviderFailure {
  return {
    status: 400,
    message: `Invalid type for '${param}': expected ${expected}, but got ${jsonTypeName(value)} instead.`,
    param,
    code: "invalid_type",
  };
}

/** `Invalid value: 'v'. Supported values are: ….` */
export function invalidValue(param: string, value: unknown, supported: readonly string[]): ProviderFailure {
  return {
    status: 400,
    message: `Invalid value: '${String(value)}'. Supported values are: ${supported.map((name) => `'${name}'`).join(", ")}.`,
    param,
    code: "invalid_value",
  };
}
