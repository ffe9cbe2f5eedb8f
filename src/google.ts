/** `parallellm/google`: the Gemini provider factory, e.g. for Vertex AI through a client of your own. */
export type { GoogleClient } from "./providers/google/google-client.js";
export { createGoogleProvider, type GoogleProviderSettings } from "./providers/google/google-provider.js";
