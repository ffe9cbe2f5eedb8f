/**
 * The provider behind the cache middleware: it sends nothing of its own. Each
 * call it is given runs the `doGenerate` the AI SDK handed the middleware for
 * it, with the user's own call options, so the model gets exactly what it
 * would have got without the cache.
 */
import type { LanguageModelV3GenerateResult } from "@ai-sdk/provider";
import { carriedProvider, type LLMRequest } from "../../core/llm.js";
import type { GeneratedResult } from "../provider.js";
import type { CarriedProvider } from "../router.js";
import { convertAiSdkError } from "./convert-ai-sdk-error.js";
import { fromAiSdkResult } from "./from-ai-sdk-result.js";

/** One `doGenerate` of the AI SDK, and what became of it when it was sent. */
export interface GenerateSlot {
  readonly doGenerate: () => PromiseLike<LanguageModelV3GenerateResult>;
  result?: LanguageModelV3GenerateResult;
  /** The AI SDK's own error, handed back to it unchanged (its retries read it). */
  error?: unknown;
}

/** Serves one provider name of the models the middleware wraps. */
export class PassThroughProvider implements CarriedProvider {
  readonly name: string;
  #next: GenerateSlot | undefined;
  /** The slot of each request checked at its ask: the request object the run later sends. */
  readonly #slots = new WeakMap<LLMRequest, GenerateSlot>();

  constructor(name: string) {
    this.name = name;
  }

  /** The ask made next (synchronously, by the caller) is this slot's. */
  expect(slot: GenerateSlot | undefined): void {
    this.#next = slot;
  }

  /**
   * Called at the ask of every call without a stored answer, with the request
   * object `generate` gets: the moment to tie the two together.
   */
  checkRequest(request: LLMRequest): void {
    if (this.#next !== undefined) this.#slots.set(request, this.#next);
    this.#next = undefined;
  }

  join(other: CarriedProvider): boolean {
    return other === this;
  }

  async generate(request: LLMRequest, options?: { keepRaw?: boolean | undefined }): Promise<GeneratedResult> {
    const slot = this.#slots.get(request);
    if (slot === undefined) throw new Error(`parallellmCache: no AI SDK call waits for this ${this.name} request.`);
    this.#slots.delete(request);
    try {
      slot.result = await slot.doGenerate();
    } catch (error) {
      slot.error = error;
      throw convertAiSdkError(error, this.name, request.model);
    }
    const result = fromAiSdkResult(slot.result);
    const body = slot.result.response?.body;
    return options?.keepRaw && body !== undefined ? { ...result, raw: JSON.stringify(body) } : result;
  }
}

/** An `llm` identity that brings its provider: one model of a wrapped provider. */
export class PassThroughModel {
  readonly [carriedProvider]: PassThroughProvider;
  readonly provider: string;
  readonly model: string;

  constructor(provider: PassThroughProvider, model: string) {
    this[carriedProvider] = provider;
    this.provider = provider.name;
    this.model = model;
  }
}
