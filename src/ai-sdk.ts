/**
 * `parallellm/ai-sdk`: any Vercel AI SDK language model as a parallellm
 * provider (`fromAiSdk`), and parallellm's store as AI SDK middleware
 * (`parallellmCache`). Needs the `ai` package (AI SDK 6); nothing else in
 * parallellm loads it.
 */
export {
  AiSdkProvider,
  type FromAiSdkOptions,
  fromAiSdk,
} from "./providers/ai-sdk/ai-sdk-provider.js";
export {
  type ParallellmCache,
  type ParallellmCacheOptions,
  parallellmCache,
} from "./providers/ai-sdk/parallellm-cache.js";
