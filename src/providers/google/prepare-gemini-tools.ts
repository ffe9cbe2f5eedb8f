/**
 * Neutral tools and tool choice → Gemini `tools` and `toolConfig`.
 *
 * @see https://ai.google.dev/gemini-api/docs/function-calling
 */
import type { ToolChoice, ToolDefinition } from "../../core/llm.js";
import { toGeminiJsonSchema } from "./prepare-gemini-schema.js";

/** The `tools` / `toolConfig` fields; empty when the request has no tools. */
export function prepareGeminiTools(
  tools: readonly ToolDefinition[] | undefined,
  toolChoice: ToolChoice | undefined,
): { tools?: Record<string, unknown>[]; toolConfig?: Record<string, unknown> } {
  if (!tools || tools.length === 0) return {};
  return {
    tools: [
      {
        functionDeclarations: tools.map((tool) => ({
          name: tool.name,
          ...(tool.description === undefined ? {} : { description: tool.description }),
          // JSON Schema (in Gemini's subset); `parameters` would need Gemini's OpenAPI-subset schema.
          parametersJsonSchema: toGeminiJsonSchema(tool.parameters, `Tool "${tool.name}" parameters`),
        })),
      },
    ],
    ...(toolChoice === undefined ? {} : { toolConfig: { functionCallingConfig: _functionCallingConfig(toolChoice) } }),
  };
}

// --- internal ---

function _functionCallingConfig(toolChoice: ToolChoice): Record<string, unknown> {
  if (typeof toolChoice === "object") return { mode: "ANY", allowedFunctionNames: [toolChoice.name] };
  switch (toolChoice) {
    case "auto":
      return { mode: "AUTO" };
    case "required":
      return { mode: "ANY" };
    case "none":
      return { mode: "NONE" };
  }
}
