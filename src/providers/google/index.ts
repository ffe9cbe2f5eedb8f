export { fromGeminiResponse } from "./from-gemini-response.js";
export type { GeminiBatchLimits } from "./gemini-batch.js";
export { createGoogleProvider, type GoogleProviderSettings } from "./google-provider.js";
export { type GeminiRequest, toGeminiRequest } from "./to-gemini-request.js";
export { toGeminiRestBody } from "./to-gemini-rest-body.js";
