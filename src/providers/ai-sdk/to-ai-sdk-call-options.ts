/**
 * A neutral request → the AI SDK's `LanguageModelV3CallOptions`: the prompt,
 * structured output as `responseFormat: { type: "json", schema }`, function
 * tools, the tool choice and the generation options. `providerOptions` go to
 * the model as the AI SDK's own (`{ mistral: { safePrompt: true } }`).
 */
import type { JSONSchema7, LanguageModelV3CallOptions, LanguageModelV3ToolChoice } from "@ai-sdk/provider";
import type { LLMRequest, ToolChoice } from "../../core/llm.js";
import { toAiSdkPrompt } from "./to-ai-sdk-prompt.js";

/** The call options of one request; `signal` aborts it. */
export function toAiSdkCallOptions(request: LLMRequest, signal: AbortSignal | undefined): LanguageModelV3CallOptions {
  const callOptions: LanguageModelV3CallOptions = { prompt: toAiSdkPrompt(request) };
  const generation = request.options;
  if (generation?.temperature !== undefined) callOptions.temperature = generation.temperature;
  if (generation?.topP !== undefined) callOptions.topP = generation.topP;
  if (generation?.maxTokens !== undefined) callOptions.maxOutputTokens = generation.maxTokens;
  if (generation?.stop !== undefined) callOptions.stopSequences = [...generation.stop];
  if (generation?.seed !== undefined) callOptions.seed = generation.seed;
  if (request.schema) {
    callOptions.responseFormat = {
      type: "json",
      schema: request.schema.jsonSchema as JSONSchema7,
      name: request.schema.name,
    };
  }
  if (request.tools) {
    callOptions.tools = request.tools.map((tool) => ({
      type: "function",
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      inputSchema: tool.parameters as JSONSchema7,
    }));
  }
  if (request.toolChoice !== undefined) callOptions.toolChoice = _toolChoice(request.toolChoice);
  if (request.providerOptions) {
    callOptions.providerOptions = request.providerOptions as LanguageModelV3CallOptions["providerOptions"];
  }
  if (signal) callOptions.abortSignal = signal;
  return callOptions;
}

// --- internal ---

function _toolChoice(choice: ToolChoice): LanguageModelV3ToolChoice {
  return typeof choice === "string" ? { type: choice } : { type: "tool", toolName: choice.name };
}
