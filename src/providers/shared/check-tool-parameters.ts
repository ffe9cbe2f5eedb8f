/**
 * Tool parameters are an object of named arguments for every provider:
 * Anthropic's `input_schema` needs `type: "object"`, OpenAI's function
 * `parameters` "must be a JSON Schema of 'type: "object"'", Gemini's
 * `parametersJsonSchema` "must describe an object".
 */
import type { ToolDefinition } from "../../core/llm.js";
import { throwSchemaRefusal } from "./schema-refusal.js";

/** Throws an `InputError` naming the first tool whose parameters are not an object schema. */
export function checkToolParameters(tools: readonly ToolDefinition[] | undefined, provider: string): void {
  for (const tool of tools ?? []) {
    if (tool.parameters["type"] === "object") continue;
    throwSchemaRefusal(`Tool "${tool.name}" parameters`, {
      refused: true,
      path: [],
      reason: `is not an object schema (type: "object"), and ${provider} takes only an object of named arguments as a tool's parameters`,
      advice: "Describe the parameters with z.object({ ... }).",
    });
  }
}
