/**
 * Mistral: direct asks through its OpenAI-compatible Chat Completions (the
 * openai SDK), batches through its own batch jobs API (`mistral-batch.ts`).
 *
 * @see https://docs.mistral.ai/api/
 */
import { AuthenticationError } from "../../core/errors.js";
import { createOpenAICompatibleProvider, type OpenAIProviderSettings, type OpenAIWire } from "../openai/index.js";
import type { Provider } from "../provider.js";
import { createMistralBatchApi } from "./mistral-batch.js";
import { createMistralChatClient } from "./mistral-chat-client.js";

export interface MistralProviderSettings extends Omit<OpenAIProviderSettings, "api"> {
  /**
   * The name it is registered under; address its models as `"mistral:<model>"`.
   * @default "mistral"
   */
  readonly name?: string | undefined;
  /**
   * Used when no `client` is given, and for batch jobs.
   * @default process.env.MISTRAL_API_KEY
   */
  readonly apiKey?: string | undefined;
  /**
   * Used when no `client` is given, and for batch jobs.
   * @default "https://api.mistral.ai/v1"
   */
  readonly baseURL?: string | undefined;
}

/**
 * Create the Mistral provider: Chat Completions for direct asks, batch jobs
 * in `batch`. Its key is read on the first call, so replaying stored answers
 * needs none.
 *
 * @example
 * const mistral = createMistralProvider();
 * await Parallellm.open(dir, { providers: { mistral }, llm: "mistral:mistral-small-latest", strategy: "batch" });
 */
export function createMistralProvider(settings: MistralProviderSettings = {}): Provider {
  const name = settings.name ?? "mistral";
  const baseURL = settings.baseURL ?? settings.client?.baseURL ?? mistralBaseURL;
  const wire: OpenAIWire = {
    apiKeyVariable,
    label: "Mistral",
    factory: "createMistralProvider",
    createClient: (sdk, apiKey) => createMistralChatClient(sdk, { apiKey, baseURL, maxRetries: 0 }),
    // Mistral's batches are jobs of its own, not OpenAI's.
    batchEndpoints: {},
    streamsUsage: true,
  };
  const direct = createOpenAICompatibleProvider({ ...settings, name, api: "chat" }, wire);
  const apiKey = () => {
    const key = settings.apiKey ?? settings.client?.apiKey ?? process.env[apiKeyVariable];
    if (key) return key;
    throw new AuthenticationError(
      "authentication",
      `The API key of provider "${name}" is missing. Pass createMistralProvider({ apiKey }) or set the ${apiKeyVariable} environment variable.`,
      { provider: name, requestSent: false },
    );
  };
  return {
    ...direct,
    batch: createMistralBatchApi({ name, baseURL, apiKey, apiKeyVariable }, settings.batchLimits),
  };
}

// --- internal ---

const mistralBaseURL = "https://api.mistral.ai/v1";

const apiKeyVariable = "MISTRAL_API_KEY";
