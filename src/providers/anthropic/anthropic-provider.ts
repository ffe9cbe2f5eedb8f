/**
 * The Anthropic adapter: one Messages call per request through
 * `@anthropic-ai/sdk`, with SDK retries off (strategies retry).
 */
import Anthropic from "@anthropic-ai/sdk";
import { AuthenticationError } from "../../core/errors.js";
import type { Provider } from "../provider.js";
import { convertAnthropicError } from "./convert-anthropic-error.js";
import { fromAnthropicMessage } from "./from-anthropic-message.js";
import { toAnthropicBody } from "./to-anthropic-body.js";

export interface AnthropicProviderSettings {
  /**
   * A ready client (e.g. pointed at a proxy or a fake server). Used with its
   * retries turned off.
   */
  readonly client?: Anthropic;
  /** @default process.env.ANTHROPIC_API_KEY */
  readonly apiKey?: string;
  /** @default process.env.ANTHROPIC_BASE_URL ?? "https://api.anthropic.com" */
  readonly baseURL?: string;
}

/**
 * Create the Anthropic provider. The client is made on the first `generate`,
 * so replaying stored answers needs no key.
 *
 * @example
 * const anthropic = createAnthropicProvider({ baseURL: "http://127.0.0.1:8080" });
 */
export function createAnthropicProvider(settings: AnthropicProviderSettings = {}): Provider {
  let client: Anthropic | undefined;
  return {
    name: "anthropic",
    async generate(request, options) {
      client ??= _createClient(settings);
      const body = toAnthropicBody(request) as unknown as Anthropic.MessageCreateParamsNonStreaming;
      try {
        const message = await client.messages.create(body, { signal: options?.signal });
        return fromAnthropicMessage(message);
      } catch (error) {
        throw convertAnthropicError(error, request.model) ?? error;
      }
    },
  };
}

// --- internal ---

function _createClient(settings: AnthropicProviderSettings): Anthropic {
  if (settings.client) return settings.client.withOptions({ maxRetries: 0 });
  const apiKey = settings.apiKey ?? process.env["ANTHROPIC_API_KEY"];
  if (!apiKey) {
    throw new AuthenticationError(
      "authentication",
      "Anthropic API key is missing. Set the ANTHROPIC_API_KEY environment variable or pass clients: { anthropic } / apiKey.",
      { provider: "anthropic" },
    );
  }
  return new Anthropic({ apiKey, baseURL: settings.baseURL, maxRetries: 0 });
}
