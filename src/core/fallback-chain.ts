/**
 * Fallbacks: an `llm` given as a list is asked in turn, the next model only
 * when the one before failed for good for that ask. The list is resolved once
 * per options object; a call carries the models left after the one it asks.
 */
import type { LLMChoice, ResolvedModel } from "./call-options.js";
import { InputError } from "./errors.js";
import type { LLM, LLMRequest } from "./llm.js";
import type { PreparedCall } from "./prepare-call.js";

/** A call without fallbacks: shared, so a plain `llm` costs no array per ask. */
export const noFallbacks: readonly ResolvedModel[] = Object.freeze([]);

/**
 * The models of an `llm` option, the first one first.
 * @throws InputError for an empty list, a list inside the list, or a model listed twice.
 */
export function resolveChain(llm: LLMChoice, resolve: (llm: LLM) => ResolvedModel): readonly ResolvedModel[] {
  if (!Array.isArray(llm)) return [resolve(llm as LLM)];
  if (llm.length === 0) {
    throw new InputError(
      'llm is an empty list, so no model could answer; pass a model ("gpt-4.1-mini") or a primary model and its fallbacks (["gpt-4.1-mini", "claude-sonnet-4-5"]).',
    );
  }
  const chain: ResolvedModel[] = [];
  for (const [index, element] of llm.entries()) {
    if (Array.isArray(element)) {
      throw new InputError(
        `llm[${index}] is a list; a fallback list holds models (names or { provider, model }), not lists. Write the models one after the other: llm: ["gpt-4.1-mini", "claude-sonnet-4-5"].`,
      );
    }
    const model = resolve(element as LLM);
    const earlier = chain.findIndex((other) => other.provider === model.provider && other.model === model.model);
    if (earlier !== -1) {
      throw new InputError(
        `llm lists ${model.provider}:${model.model} twice (at ${earlier} and ${index}), so the second could never answer anything the first did not; list each model once.`,
      );
    }
    chain.push(model);
  }
  return chain;
}

/** The request of `call` sent to `model` instead (the same messages, schema, tools and options). */
export function requestFor(call: PreparedCall, model: ResolvedModel): LLMRequest {
  return { ...call.request, provider: model.provider, model: model.model };
}

/** `call` asked of its next fallback: the same identity, that model's request, the fallbacks after it. */
export function nextFallback(call: PreparedCall): PreparedCall {
  const [next, ...rest] = call.fallbacks;
  if (!next) throw new Error("nextFallback: the call has no fallback left");
  return { ...call, llm: next, fallbacks: rest, request: requestFor(call, next) };
}

/**
 * `call` asked of the fallback after `failedModel` (a model of its list that failed for good in an
 * earlier run); `undefined` when that model was the last one or is not in the list.
 */
export function fallbackAfter(
  call: PreparedCall,
  failed: { provider: string; model: string },
): PreparedCall | undefined {
  const chain = [call.llm, ...call.fallbacks];
  const index = chain.findIndex((model) => model.provider === failed.provider && model.model === failed.model);
  if (index === -1 || index === chain.length - 1) return undefined;
  let next = call;
  for (let step = 0; step <= index; step++) next = nextFallback(next);
  return next;
}
