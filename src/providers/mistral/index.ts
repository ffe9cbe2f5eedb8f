export { createMistralProvider, type MistralProviderSettings } from "./mistral-provider.js";
