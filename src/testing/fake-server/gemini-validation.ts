/**
 * Checks `generateContent` bodies the way the Gemini API does. Field lists:
 * the REST body @google/genai 2.32 builds (`generateContentParametersToMldev`)
 * and providers.md §3; REST also takes each name in snake_case.
 */
import { arrayOf, firstUnknownKey, isObject, objectOf } from "./json-shape.js";
import type { ProviderFailure } from "./provider-routes.js";

const requestFields = _withSnakeCase([
  "cachedContent",
  "contents",
  "continuationToken",
  "generationConfig",
  "labels",
  "model",
  "safetySettings",
  "serviceTier",
  "store",
  "systemInstruction",
  "toolConfig",
  "tools",
]);

const generationConfigFields = _withSnakeCase([
  "audioTranscriptionConfig",
  "candidateCount",
  "enableEnhancedCivicAnswers",
  "frequencyPenalty",
  "imageConfig",
  "logprobs",
  "maxOutputTokens",
  "mediaResolution",
  "presencePenalty",
  "responseJsonSchema",
  "responseLogprobs",
  "responseMimeType",
  "responseModalities",
  "responseSchema",
  "seed",
  "speechConfig",
  "stopSequences",
  "temperature",
  "thinkingConfig",
  "topK",
  "topP",
]);

const partDataFields = _withSnakeCase([
  "text",
  "inlineData",
  "fileData",
  "functionCall",
  "functionResponse",
  "executableCode",
  "codeExecutionResult",
]);

/** Reads `camelName` or its snake_case twin, as the REST API does. */
export function eitherCase(object: Record<string, unknown>, camelName: string): unknown {
  return object[camelName] ?? object[_snake(camelName)];
}

/** The first problem with a `:generateContent` body. */
export function validateGenerateContentBody(body: unknown): ProviderFailure | undefined {
  if (!isObject(body)) return { status: 400, message: "Invalid JSON payload received. Expected an object." };
  const unknown = firstUnknownKey(body, requestFields);
  if (unknown !== undefined) return _unknownName(unknown, undefined);
  const generationConfig = eitherCase(body, "generationConfig");
  if (generationConfig !== undefined) {
    const unknownConfig = firstUnknownKey(objectOf(generationConfig), generationConfigFields);
    if (unknownConfig !== undefined) return _unknownName(unknownConfig, "generation_config");
  }
  if (body.contents === undefined) return _invalid("contents", "contents is not specified");
  if (!Array.isArray(body.contents) || body.contents.length === 0) {
    return _invalid("contents", "contents must be a non-empty list");
  }
  for (const [index, content] of body.contents.entries()) {
    const entry = objectOf(content);
    if (entry.role !== undefined && entry.role !== "user" && entry.role !== "model") {
      return { status: 400, message: "Please use a valid role: user, model.", param: `contents[${index}].role` };
    }
    const parts = arrayOf(entry.parts);
    if (parts.length === 0) return _invalid(`contents[${index}].parts`, "contents.parts must not be empty.");
    for (const [partIndex, part] of parts.entries()) {
      const problem = _checkPart(objectOf(part), `contents[${index}].parts[${partIndex}]`);
      if (problem) return problem;
    }
  }
  return undefined;
}

// --- internal ---

function _checkPart(part: Record<string, unknown>, field: string): ProviderFailure | undefined {
  if (!Object.keys(part).some((key) => partDataFields.has(key))) {
    return _invalid(field, "required oneof field 'data' must have one initialized field");
  }
  const inlineData = eitherCase(part, "inlineData");
  if (inlineData === undefined) return undefined;
  const blob = objectOf(inlineData);
  if (typeof eitherCase(blob, "mimeType") !== "string")
    return _invalid(`${field}.inline_data.mime_type`, "mime_type is required");
  if (typeof blob.data !== "string") return _invalid(`${field}.inline_data.data`, "data is required");
  return undefined;
}

function _invalid(field: string, description: string): ProviderFailure {
  return { status: 400, message: `* GenerateContentRequest.${field}: ${description}\n`, param: field };
}

function _unknownName(name: string, at: string | undefined): ProviderFailure {
  const where = at ? ` at '${at}'` : "";
  return {
    status: 400,
    message: `Invalid JSON payload received. Unknown name "${name}"${where}: Cannot find field.`,
    param: at ? `${at}.${name}` : name,
  };
}

function _snake(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function _withSnakeCase(names: readonly string[]): ReadonlySet<string> {
  return new Set(names.flatMap((name) => [name, _snake(name)]));
}
