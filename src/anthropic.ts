/** `parallellm/anthropic`: the Anthropic provider factory, e.g. for a proxy or a second key. */
export type { AnthropicBatchLimits } from "./providers/anthropic/anthropic-batch.js";
export { type AnthropicProviderSettings, createAnthropicProvider } from "./providers/anthropic/anthropic-provider.js";
