/**
 * `parallellm/openai`: the OpenAI provider factory, for OpenAI itself under
 * another client or API, and for OpenAI-compatible servers (vLLM, Ollama,
 * llama.cpp...), each registered under a name of its own.
 */
export { createOpenAIProvider, type OpenAIProviderSettings } from "./providers/openai/openai-provider.js";
