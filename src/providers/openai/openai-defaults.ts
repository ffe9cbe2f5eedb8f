/** What the OpenAI adapter is called, claims and reads when its settings say nothing else. */
export const openaiDefaults = {
  name: "openai",
  /** `o1`, `o3`, `o4-mini`...: every `o` and a digit. */
  modelPrefixes: [
    "gpt-",
    "chatgpt-",
    ...Array.from({ length: 10 }, (_, digit) => `o${digit}`),
    "text-",
    "davinci",
    "babbage",
    "codex-",
    "computer-use-",
  ],
  defaultModel: "gpt-4.1-mini",
  apiKeyVariable: "OPENAI_API_KEY",
} as const;
