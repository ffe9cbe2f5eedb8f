export type { AnthropicBatchLimits } from "./anthropic-batch.js";
export { type AnthropicProviderSettings, createAnthropicProvider } from "./anthropic-provider.js";
export { fromAnthropicMessage } from "./from-anthropic-message.js";
export { toAnthropicBody } from "./to-anthropic-body.js";
