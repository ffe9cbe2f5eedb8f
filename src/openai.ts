/**
 * `parallellm/openai`: the OpenAI provider factory, for OpenAI itself under
 * another client or API, and for OpenAI-compatible servers (vLLM, Ollama,
 * llama.cpp...), each registered under a name of its own; and the factories
 * of the providers that copy OpenAI's Batch API (Groq, Azure OpenAI).
 */
export {
  type AzureOpenAIProviderSettings,
  createAzureOpenAIProvider,
} from "./providers/openai/azure-openai-provider.js";
export { createGroqProvider, type GroqProviderSettings } from "./providers/openai/groq-provider.js";
export { createOpenAIProvider, type OpenAIProviderSettings } from "./providers/openai/openai-provider.js";
