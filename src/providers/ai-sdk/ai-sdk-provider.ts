/**
 * Any AI SDK language model (`LanguageModelV3`: `@ai-sdk/mistral`, `@ai-sdk/groq`,
 * `@ai-sdk/amazon-bedrock`, `ollama-ai-provider`...) as a parallellm provider.
 * A call's identity is the provider name and the model id, never the model
 * object, so a rerun that makes its models anew replays what was stored.
 */
import type { LanguageModelV3, LanguageModelV3GenerateResult } from "@ai-sdk/provider";
import { InputError } from "../../core/errors.js";
import { carriedProvider, type LLMRequest } from "../../core/llm.js";
import type { GeneratedResult, StreamOptions } from "../provider.js";
import type { CarriedProvider } from "../router.js";
import { streamCut } from "../shared/stream-cut.js";
import { convertAiSdkError, convertStreamedAiSdkError } from "./convert-ai-sdk-error.js";
import { fromAiSdkResult } from "./from-ai-sdk-result.js";
import { readAiSdkStream } from "./read-ai-sdk-stream.js";
import { toAiSdkCallOptions } from "./to-ai-sdk-call-options.js";

/** Settings of `fromAiSdk`. */
export interface FromAiSdkOptions {
  /**
   * The provider name the model's calls are stored and routed under
   * (`llm: "<name>:<model id>"`).
   * @default the model's `provider` (`"mistral.chat"`, `"openai.responses"`)
   */
  readonly name?: string | undefined;
}

/**
 * An AI SDK model as a provider: pass it as `llm` (an ask, an agent or the
 * run), or register it by name (`providers: { mistral: fromAiSdk(model, { name: "mistral" }) }`).
 * It has no Batch API: in `batch` and `hybrid` its calls are sent directly,
 * with one warning per model.
 *
 * @example
 * import { mistral } from "@ai-sdk/mistral";
 * agent.ask("Hello", { llm: fromAiSdk(mistral("mistral-large-latest")) });
 */
export function fromAiSdk(model: LanguageModelV3, options: FromAiSdkOptions = {}): AiSdkProvider {
  return new AiSdkProvider(model, options.name);
}

/** What `fromAiSdk` returns: a provider, and an `llm` identity (its name and the model's id). */
export class AiSdkProvider implements CarriedProvider {
  readonly name: string;
  /** The model id of the model it was made for: `llm: "<name>"` asks this one. */
  readonly defaultModel: string;
  readonly [carriedProvider]: this;
  /** Models served under this name, by model id (models of other `fromAiSdk` calls of the same name join). */
  readonly #models = new Map<string, LanguageModelV3>();

  constructor(model: LanguageModelV3, name: string | undefined) {
    _checkModel(model);
    if (name !== undefined && (typeof name !== "string" || name === "" || name.includes(":"))) {
      throw new InputError(
        `fromAiSdk: name must be a non-empty string without ":" (it is the provider part of "name:model"), got ${JSON.stringify(name)}.`,
      );
    }
    this.name = name ?? model.provider;
    this.defaultModel = model.modelId;
    this.#models.set(model.modelId, model);
    this[carriedProvider] = this;
  }

  /** As an `llm` identity: the provider name. */
  get provider(): string {
    return this.name;
  }

  /** As an `llm` identity: the model id. */
  get model(): string {
    return this.defaultModel;
  }

  /** Another `fromAiSdk` under the same name: its models are served here too (the first model of an id stays). */
  join(other: CarriedProvider): boolean {
    if (!(other instanceof AiSdkProvider)) return false;
    for (const [id, model] of other.#models) if (!this.#models.has(id)) this.#models.set(id, model);
    return true;
  }

  checkRequest(request: LLMRequest): void {
    this.#modelOf(request.model);
    for (const [index, message] of request.messages.entries()) {
      if (message.role !== "user") continue;
      const part = message.content.find((content) => content.type === "tool-call");
      if (part) {
        throw new InputError(
          `messages[${index}] is a user turn with a tool call; tool calls are the assistant's: pass the earlier response (or { role: "assistant", content: [...] }) instead.`,
        );
      }
    }
  }

  async generate(
    request: LLMRequest,
    options?: { signal?: AbortSignal | undefined; keepRaw?: boolean | undefined },
  ): Promise<GeneratedResult> {
    const model = this.#modelOf(request.model);
    const callOptions = toAiSdkCallOptions(request, options?.signal);
    let answer: Awaited<ReturnType<LanguageModelV3["doGenerate"]>>;
    try {
      answer = await model.doGenerate(callOptions);
    } catch (error) {
      throw convertAiSdkError(error, this.name, request.model);
    }
    const result = fromAiSdkResult(answer);
    const body = answer.response?.body;
    return options?.keepRaw && body !== undefined ? { ...result, raw: JSON.stringify(body) } : result;
  }

  async stream(request: LLMRequest, options: StreamOptions): Promise<GeneratedResult> {
    const model = this.#modelOf(request.model);
    const callOptions = toAiSdkCallOptions(request, options.signal);
    let answer: LanguageModelV3GenerateResult | undefined;
    let open = false;
    try {
      const { stream } = await model.doStream(callOptions);
      open = true;
      answer = await readAiSdkStream(stream, options.onTextDelta);
    } catch (error) {
      throw convertStreamedAiSdkError(error, this.name, request.model, open);
    }
    if (!answer) throw streamCut(this.name, request.model, "it ended without the provider's finish reason or usage");
    return fromAiSdkResult(answer);
  }

  #modelOf(id: string): LanguageModelV3 {
    const model = this.#models.get(id);
    if (model) return model;
    throw new InputError(
      `The AI SDK provider "${this.name}" was given no model "${id}" in this run (it has ${[...this.#models.keys()].join(", ")}); pass llm: fromAiSdk(<its model>${this.name === this.defaultModel ? "" : `, { name: "${this.name}" }`}) for it.`,
    );
  }
}

// --- internal ---

function _checkModel(model: unknown): asserts model is LanguageModelV3 {
  const candidate = model as Partial<LanguageModelV3> | null;
  if (
    typeof candidate === "object" &&
    candidate !== null &&
    candidate.specificationVersion === "v3" &&
    typeof candidate.doGenerate === "function" &&
    typeof candidate.provider === "string" &&
    typeof candidate.modelId === "string"
  ) {
    return;
  }
  const version = typeof candidate === "object" && candidate !== null ? candidate.specificationVersion : undefined;
  throw new InputError(
    `fromAiSdk takes an AI SDK language model object of specification v3 (AI SDK 6: e.g. mistral("mistral-large-latest") from "@ai-sdk/mistral"), got ${typeof model === "string" ? `the string ${JSON.stringify(model)} (a gateway model id; make the model with its provider package)` : version ? `a model of specification ${version} (update its provider package)` : typeof model}.`,
  );
}
