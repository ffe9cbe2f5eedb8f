/**
 * The Anthropic adapter: one Messages call per request, and Message Batches,
 * through `@anthropic-ai/sdk`, with SDK retries off (strategies retry).
 */
import type Anthropic from "@anthropic-ai/sdk";
import { AuthenticationError } from "../../core/errors.js";
import type { Provider } from "../provider.js";
import { checkToolParameters } from "../shared/check-tool-parameters.js";
import { sharedClient } from "../shared/lazy-module.js";
import { streamCut, streamFailure } from "../shared/stream-cut.js";
import { convertUnreadableResponse } from "../shared/unreadable-response.js";
import { withRaw } from "../shared/with-raw.js";
import { type AnthropicBatchLimits, createAnthropicBatchApi } from "./anthropic-batch.js";
import { anthropicDefaults } from "./anthropic-defaults.js";
import { anthropicSdk } from "./anthropic-sdk.js";
import { convertAnthropicError } from "./convert-anthropic-error.js";
import { fromAnthropicMessage } from "./from-anthropic-message.js";
import { toAnthropicOutputSchema } from "./prepare-anthropic-schema.js";
import { readAnthropicStream } from "./read-anthropic-stream.js";
import { toAnthropicBody } from "./to-anthropic-body.js";

export interface AnthropicProviderSettings {
  /**
   * The name it is registered under (`providers: { [name]: ... }`), used in
   * `llm` and in its errors. Under a name other than "anthropic" it claims no
   * model prefixes and has no default model: address it as `"name:model"`.
   * @default "anthropic"
   */
  readonly name?: string | undefined;
  /**
   * A ready client (e.g. pointed at a proxy or a fake server). Used with its
   * retries turned off.
   */
  readonly client?: Anthropic | undefined;
  /** @default process.env.ANTHROPIC_API_KEY */
  readonly apiKey?: string | undefined;
  /** @default process.env.ANTHROPIC_BASE_URL ?? "https://api.anthropic.com" */
  readonly baseURL?: string | undefined;
  /**
   * Smaller per-batch limits, e.g. to keep batches short.
   * @default { maxRequests: 100_000, maxBytes: 256 MiB }
   */
  readonly batchLimits?: AnthropicBatchLimits | undefined;
}

/**
 * Create the Anthropic provider. The client is made on the first call
 * (`generate` or a batch call), so replaying stored answers needs no key.
 *
 * @example
 * const anthropic = createAnthropicProvider({ baseURL: "http://127.0.0.1:8080" });
 */
export function createAnthropicProvider(settings: AnthropicProviderSettings = {}): Provider {
  const getClient = sharedClient(() => _createClient(settings));
  const name = settings.name ?? anthropicDefaults.name;
  const claims = name === anthropicDefaults.name;
  return {
    name,
    modelPrefixes: claims ? anthropicDefaults.modelPrefixes : [],
    defaultModel: claims ? anthropicDefaults.defaultModel : undefined,
    apiKeyVariable: anthropicDefaults.apiKeyVariable,
    checkRequest(request) {
      if (request.schema) toAnthropicOutputSchema(request.schema.jsonSchema);
      checkToolParameters(request.tools, "Anthropic");
    },
    async generate(request, options) {
      const ready = await getClient();
      const body = toAnthropicBody(request) as unknown as Anthropic.MessageCreateParamsNonStreaming;
      try {
        const message = await ready.messages.create(body, { signal: options?.signal });
        return withRaw(fromAnthropicMessage(message), message, options?.keepRaw);
      } catch (error) {
        throw convertError(error, request.model);
      }
    },
    async stream(request, options) {
      const ready = await getClient();
      const body = toAnthropicBody(request) as unknown as Anthropic.MessageCreateParamsNonStreaming;
      let opened = false;
      try {
        const events = await ready.messages.create({ ...body, stream: true }, { signal: options.signal });
        opened = true;
        const message = await readAnthropicStream(events, options.onTextDelta);
        if (!message) throw streamCut(name, request.model, "it ended before message_stop");
        return withRaw(fromAnthropicMessage(message), message, options.keepRaw);
      } catch (error) {
        throw streamFailure(error, convertError(error, request.model), opened, name, request.model);
      }
    },
    batch: createAnthropicBatchApi(getClient, settings.batchLimits),
  };

  function convertError(error: unknown, model: string): unknown {
    return convertAnthropicError(error, model, name) ?? convertUnreadableResponse(error, name, model) ?? error;
  }
}

// --- internal ---

async function _createClient(settings: AnthropicProviderSettings): Promise<Anthropic> {
  // Loaded even for an injected client: its errors are told apart by the SDK's classes.
  const { default: Anthropic } = await anthropicSdk.load();
  if (settings.client) return settings.client.withOptions({ maxRetries: 0 });
  const apiKey = settings.apiKey ?? process.env[anthropicDefaults.apiKeyVariable];
  if (!apiKey) {
    throw new AuthenticationError(
      "authentication",
      `Anthropic API key is missing. Set the ${anthropicDefaults.apiKeyVariable} environment variable or pass clients: { anthropic } / apiKey.`,
      { provider: settings.name ?? anthropicDefaults.name, requestSent: false },
    );
  }
  return new Anthropic({ apiKey, baseURL: settings.baseURL, maxRetries: 0 });
}
