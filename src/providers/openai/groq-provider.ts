/**
 * Groq: OpenAI's Chat Completions and Batch API under `/openai/v1`, with batch
 * completion windows from 24 hours to 7 days.
 *
 * @see https://console.groq.com/docs/batch
 */
import { InputError } from "../../core/errors.js";
import type { Provider } from "../provider.js";
import { createOpenAICompatibleProvider, type OpenAIProviderSettings } from "./openai-provider.js";
import type { OpenAIWire } from "./openai-wire.js";

export interface GroqProviderSettings extends Omit<OpenAIProviderSettings, "api"> {
  /**
   * The name it is registered under; address its models as `"groq:<model>"`.
   * @default "groq"
   */
  readonly name?: string | undefined;
  /**
   * Used when no `client` is given.
   * @default process.env.GROQ_API_KEY
   */
  readonly apiKey?: string | undefined;
  /**
   * Used when no `client` is given.
   * @default "https://api.groq.com/openai/v1"
   */
  readonly baseURL?: string | undefined;
  /**
   * How long Groq may take over a batch: `"24h"` up to `"7d"` (a longer
   * window gives Groq more room to schedule it). A batch not done by then
   * expires, and its unfinished calls are collected again.
   * @default "24h"
   */
  readonly completionWindow?: string | undefined;
}

/**
 * Create the Groq provider: direct asks through Chat Completions, and
 * Groq's Batch API in `batch`. The client is made on the first call.
 *
 * @example
 * const groq = createGroqProvider();
 * await Parallellm.open(dir, { providers: { groq }, llm: "groq:llama-3.1-8b-instant", strategy: "batch" });
 */
export function createGroqProvider(settings: GroqProviderSettings = {}): Provider {
  const { completionWindow = "24h", ...rest } = settings;
  _checkCompletionWindow(completionWindow);
  const baseURL = settings.baseURL ?? groqBaseURL;
  const wire: OpenAIWire = {
    apiKeyVariable: "GROQ_API_KEY",
    label: "Groq",
    factory: "createGroqProvider",
    createClient: (sdk, apiKey) => new sdk.default({ apiKey, baseURL, maxRetries: 0 }),
    // Groq batches only chat completions.
    batchEndpoints: { "/v1/chat/completions": "/v1/chat/completions" },
    completionWindow,
  };
  return createOpenAICompatibleProvider({ ...rest, name: settings.name ?? "groq", api: "chat" }, wire);
}

// --- internal ---

const groqBaseURL = "https://api.groq.com/openai/v1";

function _checkCompletionWindow(window: string): void {
  const match = /^(\d+)([hd])$/.exec(window);
  const hours = match ? Number(match[1]) * (match[2] === "d" ? 24 : 1) : Number.NaN;
  if (!(hours >= 24 && hours <= 7 * 24)) {
    throw new InputError(
      `createGroqProvider: completionWindow "${window}" is not one Groq accepts. Use a duration from "24h" to "7d", such as "48h" or "3d".`,
    );
  }
}
