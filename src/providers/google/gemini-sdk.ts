/** The Google Gen AI SDK, imported with the first Gemini call (see `lazyModule`). */
import { lazyModule } from "../shared/lazy-module.js";

export const geminiSdk = lazyModule(() => import("@google/genai"));
