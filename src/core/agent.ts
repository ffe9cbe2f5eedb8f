/**
 * An agent is a named scope with its own call sequence. Its asks are
 * identified by (agent, request hash, occurrence of that hash in the agent).
 */
import type { Document } from "../documents/document.js";
import type { CallEngine } from "./call-engine.js";
import { InputError, NotAvailable } from "./errors.js";
import type { LLM } from "./llm.js";
import { type AskOptions, allHashParts, type CallDefaults, prepareCall, type ResolvedModel } from "./prepare-call.js";
import { ResponseHandle } from "./response-handle.js";
import type { InferOutput, SchemaInput } from "./schema.js";

/** Sequence state of one agent name within a run; shared by every scope of that name. */
export interface AgentState {
  seq: number;
  readonly occurrences: Map<string, number>;
}

export interface AgentContext {
  readonly engine: CallEngine;
  readonly resolveLLM: (llm: LLM) => ResolvedModel;
}

export class Agent {
  readonly name: string;
  readonly #state: AgentState;
  readonly #context: AgentContext;
  readonly #defaults: CallDefaults;

  /** @internal created by `pllm.agent` */
  constructor(name: string, state: AgentState, context: AgentContext, defaults: CallDefaults) {
    this.name = name;
    this.#state = state;
    this.#context = context;
    this.#defaults = defaults;
  }

  /**
   * Ask a model. Returns at once; await `text()`, `value()`... for the answer.
   * A stored answer is replayed without sending anything.
   *
   * @example
   * const verdict = agent.ask(`Predict ${a} vs ${b}.`, { schema: Verdict });
   * const { winner } = await verdict.value();
   */
  ask<S extends SchemaInput | undefined = undefined>(
    documents: Document | readonly Document[],
    options?: AskOptions<S>,
  ): ResponseHandle<S extends undefined ? unknown : InferOutput<S>> {
    const merged = mergeOptions(this.#defaults, options);
    const call = prepareCall(documents, merged, this.#context.resolveLLM);
    const state = this.#state;
    const occurrence = state.occurrences.get(call.hash) ?? 0;
    state.occurrences.set(call.hash, occurrence + 1);
    const seq = state.seq++;
    const key = { agent: this.name, hash: call.hash, occurrence };
    const handle = new ResponseHandle<S extends undefined ? unknown : InferOutput<S>>(
      this.name,
      call.hash,
      occurrence,
      seq,
      call.validator,
    );
    const engine = this.#context.engine;
    const useStored = !merged.ignoreCache && !merged.rewriteCache;
    const stored = useStored ? engine.lookupSync(key) : undefined;
    if (stored) {
      handle._ready(stored, true);
      return handle;
    }
    engine.providerFor(call.llm.provider);
    if (useStored && engine.inPendingBatch(key)) {
      handle._defer("pending", () =>
        Promise.reject(new NotAvailable(`Ask #${seq} of agent "${this.name}" waits in a provider batch.`)),
      );
      return handle;
    }
    const askSite = new Error("ask");
    Error.captureStackTrace(askSite, this.ask);
    if (engine.collects && useStored) {
      engine.collect(key, call, seq, askSite, handle as ResponseHandle);
      return handle;
    }
    const sendOptions = { seq, keepStored: merged.ignoreCache === true, askSite, isNew: useStored };
    handle._await(
      stored === null && useStored
        ? engine.lookupThenSend(key, call, sendOptions)
        : engine.send(key, call, sendOptions),
    );
    return handle;
  }
}

function mergeOptions(defaults: CallDefaults, options: AskOptions | undefined): AskOptions {
  if (!options) return defaults;
  const merged: AskOptions = { ...defaults, ...options };
  if (options.hashBy?.some((part) => !allHashParts.includes(part))) {
    throw new InputError(`hashBy may contain ${allHashParts.join(", ")}; got ${JSON.stringify(options.hashBy)}.`);
  }
  if (defaults.instructions && options.instructions) {
    return { ...merged, instructions: `${defaults.instructions}\n\n${options.instructions}` };
  }
  return merged;
}
