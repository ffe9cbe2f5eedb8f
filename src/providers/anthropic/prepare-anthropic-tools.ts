/**
 * Neutral tools and tool choice → Anthropic `tools` and `tool_choice`.
 *
 * @see https://docs.claude.com/en/docs/agents-and-tools/tool-use/implement-tool-use
 */
import type { ToolChoice, ToolDefinition } from "../../core/llm.js";

/** The `tools` / `tool_choice` body fields; empty when the request has no tools. */
export function prepareAnthropicTools(
  tools: readonly ToolDefinition[] | undefined,
  toolChoice: ToolChoice | undefined,
): { tools?: Record<string, unknown>[]; tool_choice?: Record<string, unknown> } {
  if (!tools || tools.length === 0) return {};
  return {
    tools: tools.map((tool) => ({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      input_schema: tool.parameters,
    })),
    ...(toolChoice === undefined ? {} : { tool_choice: _toolChoice(toolChoice) }),
  };
}

// --- internal ---

function _toolChoice(toolChoice: ToolChoice): Record<string, unknown> {
  if (typeof toolChoice === "object") return { type: "tool", name: toolChoice.name };
  switch (toolChoice) {
    case "auto":
      return { type: "auto" };
    case "required":
      return { type: "any" };
    case "none":
      return { type: "none" };
  }
}
