/** The Anthropic SDK, imported with the first Anthropic call (see `lazyModule`). */
import { lazyModule } from "../shared/lazy-module.js";

export const anthropicSdk = lazyModule(() => import("@anthropic-ai/sdk"));
