/**
 * Azure OpenAI: OpenAI's Chat Completions and Batch API on an Azure resource,
 * with the key in an `api-key` header, an `api-version` query parameter on
 * every request, deployment names as models, and batches named
 * `/chat/completions` (a global batch deployment runs them).
 *
 * @see https://learn.microsoft.com/azure/ai-foundry/openai/how-to/batch
 */
import { InputError } from "../../core/errors.js";
import type { Provider } from "../provider.js";
import { createOpenAICompatibleProvider, type OpenAIProviderSettings } from "./openai-provider.js";
import type { OpenAIWire } from "./openai-wire.js";

export interface AzureOpenAIProviderSettings extends Omit<OpenAIProviderSettings, "api" | "baseURL"> {
  /**
   * The name it is registered under; address a deployment as `"azure:<deployment>"`.
   * @default "azure"
   */
  readonly name?: string | undefined;
  /**
   * Used when no `client` is given.
   * @default process.env.AZURE_OPENAI_API_KEY
   */
  readonly apiKey?: string | undefined;
  /**
   * The resource's endpoint, e.g. `https://my-resource.openai.azure.com`.
   * Used when no `client` is given.
   * @default process.env.AZURE_OPENAI_ENDPOINT
   */
  readonly endpoint?: string | undefined;
  /**
   * The `api-version` sent with every request. Newer models may need a newer one.
   * @default process.env.OPENAI_API_VERSION ?? "2024-10-21"
   */
  readonly apiVersion?: string | undefined;
}

/**
 * Create the Azure OpenAI provider: direct asks through Chat Completions and
 * the Batch API in `batch`, each addressed by deployment name. The client is
 * made on the first call, so replaying stored answers needs no key.
 *
 * @example
 * const azure = createAzureOpenAIProvider({ endpoint: "https://my-resource.openai.azure.com" });
 * await Parallellm.open(dir, { providers: { azure }, llm: "azure:gpt-4o-mini-batch", strategy: "batch" });
 */
export function createAzureOpenAIProvider(settings: AzureOpenAIProviderSettings = {}): Provider {
  const { endpoint: givenEndpoint, apiVersion: givenVersion, ...rest } = settings;
  const wire: OpenAIWire = {
    apiKeyVariable: "AZURE_OPENAI_API_KEY",
    label: "Azure OpenAI",
    factory: "createAzureOpenAIProvider",
    createClient(sdk, apiKey) {
      const endpoint = givenEndpoint ?? process.env["AZURE_OPENAI_ENDPOINT"];
      if (!endpoint) {
        throw new InputError(
          "createAzureOpenAIProvider: the Azure OpenAI endpoint is missing. Pass endpoint (such as https://my-resource.openai.azure.com) or set the AZURE_OPENAI_ENDPOINT environment variable.",
        );
      }
      // As a base URL rather than `endpoint`: the SDK refuses `endpoint` next to an OPENAI_BASE_URL in the environment.
      const baseURL = `${endpoint.replace(/\/+$/, "")}/openai`;
      const apiVersion = givenVersion ?? process.env["OPENAI_API_VERSION"] ?? azureDefaultApiVersion;
      return new sdk.AzureOpenAI({ apiKey, baseURL, apiVersion, maxRetries: 0 });
    },
    batchEndpoints: { "/v1/chat/completions": "/chat/completions" },
  };
  return createOpenAICompatibleProvider({ ...rest, name: settings.name ?? "azure", api: "chat" }, wire);
}

// --- internal ---

/** The generally available version that has the Batch API. */
const azureDefaultApiVersion = "2024-10-21";
