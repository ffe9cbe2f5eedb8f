/** What the Gemini adapter is called, claims and reads when its settings say nothing else. */
export const googleDefaults = {
  name: "google",
  modelPrefixes: ["gemini-", "gemma-", "learnlm-"],
  defaultModel: "gemini-2.5-flash",
  apiKeyVariable: "GEMINI_API_KEY (or GOOGLE_API_KEY)",
} as const;
