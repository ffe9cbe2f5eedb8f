/** `parallellm/mistral`: the Mistral provider factory (Chat Completions for direct asks, Mistral's batch jobs in `batch`). */
export { createMistralProvider, type MistralProviderSettings } from "./providers/mistral/mistral-provider.js";
