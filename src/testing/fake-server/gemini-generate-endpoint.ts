/**
 * `POST /{v1beta|v1}/models/{model}:generateContent`: reads the request, and
 * shapes an answer as a GenerateContentResponse (fixtures `gemini.*` in
 * provider-payloads.json).
 */
import type { JsonSchema } from "../../core/llm.js";
import type { OfferedTool } from "./fake-server-types.js";
import { geminiError, geminiSuccess } from "./gemini-respond.js";
import { geminiSchemaToJsonSchema } from "./gemini-schema.js";
import { checkGeminiJsonSchemas, geminiHonouredSchema } from "./gemini-schema-rules.js";
import { geminiStreamChunks } from "./gemini-stream-chunks.js";
import { eitherCase, validateGenerateContentBody } from "./gemini-validation.js";
import { arrayOf, isObject, objectOf } from "./json-shape.js";
import type { Answer, RequestFacts, Route } from "./provider-routes.js";
import { wireIds } from "./wire-ids.js";

/**
 * The generateContent route, and streamGenerateContent (server-sent events with
 * `?alt=sse`, else a JSON array of the chunks); `model` comes from the path.
 */
export const geminiGenerateRoute: Route = {
  method: "POST",
  pattern: /^\/(?<version>v1beta|v1)\/models\/(?<model>[^/:]+):(?<method>generateContent|streamGenerateContent)$/,
  describe: (exchange) => describeGenerateContentRequest(exchange.params.model, exchange.body),
  handle(exchange, context) {
    const problem = validateGenerateContentBody(exchange.body) ?? checkGeminiJsonSchemas(objectOf(exchange.body));
    if (problem) return geminiError(problem);
    const response = renderGenerateContentResponse(exchange.params.model, exchange.answer(context));
    if (exchange.params.method === "generateContent") return geminiSuccess(response);
    const events = geminiStreamChunks(objectOf(response));
    if (exchange.url.searchParams.get("alt") === "sse") return { ...geminiSuccess(response), events };
    return geminiSuccess(events.map((event) => event.data));
  },
};

/** Model, prompt, tools and schema of a generateContent request; JSON schemas as the model sees them. */
export function describeGenerateContentRequest(model: string | undefined, body: unknown): RequestFacts {
  const request = objectOf(body);
  const contents = arrayOf(request.contents).map((content) => objectOf(content));
  const lastParts = arrayOf(contents.at(-1)?.parts).map((part) => objectOf(part));
  return {
    model,
    prompt: _lastUserText(contents),
    tools: arrayOf(request.tools).flatMap(_tools),
    schema: _schema(objectOf(eitherCase(request, "generationConfig"))),
    afterToolResult: lastParts.some((part) => eitherCase(part, "functionResponse") !== undefined),
  };
}

/** A GenerateContentResponse for `answer`. Tool calls still finish with `STOP`. */
export function renderGenerateContentResponse(model: string, answer: Answer): unknown {
  const parts: unknown[] = [];
  if (answer.text !== "" || answer.toolCalls.length === 0) parts.push({ text: answer.text });
  for (const call of answer.toolCalls) parts.push({ functionCall: { name: call.name, args: call.args ?? {} } });
  return {
    candidates: [
      {
        content: { parts, role: "model" },
        finishReason: _finishReason(answer),
        index: 0,
        // Not mapped by parallellm; kept in its raw responses.
        safetyRatings: _safetyCategories.map((category) => ({ category, probability: "NEGLIGIBLE" })),
      },
    ],
    modelVersion: model,
    responseId: wireIds.geminiResponse(),
    usageMetadata: {
      promptTokenCount: answer.inputTokens,
      candidatesTokenCount: answer.outputTokens,
      totalTokenCount: answer.inputTokens + answer.outputTokens,
      promptTokensDetails: [{ modality: "TEXT", tokenCount: answer.inputTokens }],
    },
  };
}

// --- internal ---

function _lastUserText(contents: readonly Record<string, unknown>[]): string {
  for (const content of [...contents].reverse()) {
    if (content.role !== undefined && content.role !== "user") continue;
    const text = arrayOf(content.parts)
      .map((part) => objectOf(part).text)
      .filter((text): text is string => typeof text === "string")
      .join("\n");
    if (text !== "") return text;
  }
  return "";
}

function _tools(tool: unknown): OfferedTool[] {
  return arrayOf(eitherCase(objectOf(tool), "functionDeclarations")).flatMap((declaration) => {
    const entry = objectOf(declaration);
    if (typeof entry.name !== "string") return [];
    const jsonSchema = eitherCase(entry, "parametersJsonSchema");
    const parameters = isObject(jsonSchema)
      ? geminiHonouredSchema(jsonSchema)
      : geminiSchemaToJsonSchema(entry.parameters ?? { type: "OBJECT" });
    return [{ name: entry.name, parameters }];
  });
}

function _schema(generationConfig: Record<string, unknown>): JsonSchema | undefined {
  if (eitherCase(generationConfig, "responseMimeType") !== "application/json") return undefined;
  const jsonSchema = eitherCase(generationConfig, "responseJsonSchema");
  if (isObject(jsonSchema)) return geminiHonouredSchema(jsonSchema);
  const schema = eitherCase(generationConfig, "responseSchema");
  return isObject(schema) ? geminiSchemaToJsonSchema(schema) : { type: "object" };
}

const _safetyCategories = [
  "HARM_CATEGORY_HATE_SPEECH",
  "HARM_CATEGORY_DANGEROUS_CONTENT",
  "HARM_CATEGORY_HARASSMENT",
  "HARM_CATEGORY_SEXUALLY_EXPLICIT",
];

function _finishReason(answer: Answer): string {
  if (answer.finishReason === "length") return "MAX_TOKENS";
  if (answer.finishReason === "content-filter") return "SAFETY";
  return "STOP";
}
