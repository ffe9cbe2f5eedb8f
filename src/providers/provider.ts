/**
 * The Provider seam: one neutral request in, one neutral result out.
 * Adapters translate and classify errors; retries and limits live in strategies.
 */
import type { LLMRequest, LLMResult, ProviderName } from "../core/llm.js";

export interface Provider {
  readonly name: ProviderName;
  /**
   * Send one request and return the normalised answer.
   * Throws a `ProviderError` (see core/errors.ts) on failure, classified but not retried.
   */
  generate(request: LLMRequest, options?: { signal?: AbortSignal }): Promise<LLMResult>;
}

export type { LLMRequest, LLMResult, ProviderName };
