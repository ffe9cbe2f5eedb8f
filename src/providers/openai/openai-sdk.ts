/** The openai SDK, imported with the first OpenAI call (see `lazyModule`). */
import { lazyModule } from "../shared/lazy-module.js";

export const openaiSdk = lazyModule(() => import("openai"));
