/** What the Anthropic adapter is called, claims and reads when its settings say nothing else. */
export const anthropicDefaults = {
  name: "anthropic",
  modelPrefixes: ["claude-"],
  defaultModel: "claude-sonnet-4-5",
  apiKeyVariable: "ANTHROPIC_API_KEY",
} as const;
