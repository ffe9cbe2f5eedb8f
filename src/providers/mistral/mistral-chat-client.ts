/**
 * The openai SDK's client for Mistral's Chat Completions. Mistral's error
 * bodies are flat (`{ "object": "error", "message": … }`, `{ "message":
 * "Unauthorized" }`), while the SDK reads only `{ "error": { "message" } }`
 * and reports the rest as "status code (no body)"; this client hands the SDK
 * a flat body nested, so the provider's message reaches the error.
 */
import type OpenAI from "openai";
import type { ClientOptions } from "openai";

/** A client at `options.baseURL` that keeps Mistral's error messages. */
export function createMistralChatClient(sdk: typeof import("openai"), options: ClientOptions): OpenAI {
  class MistralChatClient extends sdk.default {
    protected override makeStatusError(status: number, error: object, message: string | undefined, headers: Headers) {
      const nested = typeof error === "object" && error !== null && !("error" in error) ? { error } : error;
      return super.makeStatusError(status, nested, message, headers);
    }
  }
  return new MistralChatClient(options);
}
