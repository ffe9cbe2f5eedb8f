export { type AzureOpenAIProviderSettings, createAzureOpenAIProvider } from "./azure-openai-provider.js";
export { fromOpenAIChatBody } from "./from-openai-chat-body.js";
export { fromOpenAIResponsesBody } from "./from-openai-responses-body.js";
export { createGroqProvider, type GroqProviderSettings } from "./groq-provider.js";
export { openaiBatchLimits } from "./openai-batch.js";
export {
  createOpenAICompatibleProvider,
  createOpenAIProvider,
  type OpenAIProviderSettings,
} from "./openai-provider.js";
export type { OpenAIWire } from "./openai-wire.js";
export { readOpenAIBatchLines } from "./read-openai-batch-lines.js";
export { toOpenAIChatBody } from "./to-openai-chat-body.js";
export { toOpenAIResponsesBody } from "./to-openai-responses-body.js";
