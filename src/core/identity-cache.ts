/**
 * What one run remembers between asks to prepare each one cheaply: the shape
 * of the last options object (everything an ask's options decide, whatever its
 * documents), the conversions of each schema and tools object, and the frozen
 * copies of the option objects the user may change. One per run (an engine
 * instance), so two runs in one process never share a memo.
 */

import { type AskOptions, allHashParts, type ResolvedModel } from "./call-options.js";
import { CanonicalText, canonicalJson, writeCanonical } from "./canonical.js";
import { InputError } from "./errors.js";
import { noFallbacks, resolveChain } from "./fallback-chain.js";
import type { GenerationOptions, LLM, LLMRequest, OutputSchema, ToolChoice, ToolDefinition } from "./llm.js";
import {
  isStandardSchema,
  type SchemaInput,
  type StandardSchema,
  type ToolsInput,
  toOutputSchema,
  toToolDefinitions,
} from "./schema.js";
import { StableCopies, sameData } from "./stable-copy.js";

/** What an ask's options decide, whatever its documents: the same for every ask made with one options object. */
export interface CallShape {
  readonly llm: ResolvedModel;
  /** The models asked when `llm` fails for good, in order (`llm: [primary, fallback...]`). */
  readonly fallbacks: readonly ResolvedModel[];
  readonly generation: GenerationOptions | undefined;
  readonly schema: LLMRequest["schema"];
  readonly tools: LLMRequest["tools"];
  readonly toolChoice: ToolChoice | undefined;
  readonly providerOptions: { readonly [key: string]: unknown } | undefined;
  readonly validator: StandardSchema | undefined;
  readonly hashesInstructions: boolean;
  readonly hashesDocuments: boolean;
  /** The members of the identity object that do not depend on the documents, each written once. */
  readonly members: ShapeMembers;
  /** Long strings among those members (`providerOptions`), by hash. */
  readonly documents: ReadonlyMap<string, string>;
}

/** Identity members written once per options object (`undefined`: left out of the hash). */
export interface ShapeMembers {
  readonly llm: CanonicalText | undefined;
  readonly options: CanonicalText | undefined;
  readonly providerOptions: CanonicalText | undefined;
  readonly salt: CanonicalText | undefined;
  readonly schema: CanonicalText | undefined;
  readonly toolChoice: CanonicalText | undefined;
  readonly tools: CanonicalText | undefined;
}

/** The last shape, with what it was made from: the options object and the copies of the objects in it. */
interface Remembered {
  readonly options: AskOptions;
  readonly resolveLLM: (llm: LLM) => ResolvedModel;
  /** Each option that is an object the user may change, beside the copy the shape was made from. */
  readonly watched: readonly (readonly [object, unknown])[];
  readonly shape: CallShape;
}

const generationKeys = ["temperature", "topP", "maxTokens", "stop", "seed"] as const;

/** One per run: the memos of call preparation (see the file comment). */
export class IdentityCache {
  /**
   * Asks in a pipeline share their agent's (or the run's) options object, so
   * remembering the last shape spares re-deriving and re-serialising everything
   * but the documents on nearly every ask.
   */
  #last: Remembered | undefined;
  readonly #copies = new StableCopies();
  readonly #outputSchemas = new WeakMap<object, Map<string | undefined, OutputSchema>>();
  readonly #toolDefinitions = new WeakMap<object, ToolDefinition[]>();
  readonly #written = new WeakMap<object, CanonicalText>();
  /** @internal Long strings met while writing one ask's identity; reused, as asks are prepared one at a time. */
  readonly foundDocuments = new Map<string, string>();

  /** The shape of `options`: the last one while the options object and everything in it are unchanged. */
  shapeOf(options: AskOptions, resolveLLM: (llm: LLM) => ResolvedModel): CallShape {
    const last = this.#last;
    if (last?.options === options && last.resolveLLM === resolveLLM && unchanged(last.watched)) return last.shape;
    const watched: (readonly [object, unknown])[] = [];
    const stable: Record<string, unknown> = {};
    for (const key in options) {
      const value = (options as Record<string, unknown>)[key];
      const copy = this.#copies.of(value);
      if (copy !== value) watched.push([value as object, copy]);
      stable[key] = copy;
    }
    const shape = this.#makeShape(stable as AskOptions, resolveLLM);
    this.#last = { options, resolveLLM, watched, shape };
    return shape;
  }

  #makeShape(options: AskOptions, resolveLLM: (llm: LLM) => ResolvedModel): CallShape {
    if (options.llm === undefined) {
      throw new InputError('No llm for this ask; pass llm: "gpt-4.1-mini" (or another model) to ask, agent or open.');
    }
    if (options.ignoreCache && options.rewriteCache) {
      throw new InputError(
        "ignoreCache and rewriteCache contradict each other (set at open, for the agent or for the ask); pass one of them, or set the other to false where you override it.",
      );
    }
    const [llm, ...rest] = resolveChain(options.llm, resolveLLM) as [ResolvedModel, ...ResolvedModel[]];
    const fallbacks = rest.length === 0 ? noFallbacks : rest;
    let generation: Record<string, unknown> | undefined;
    for (const key of generationKeys) {
      if (options[key] === undefined) continue;
      generation ??= {};
      generation[key] = options[key];
    }
    const schema = options.schema === undefined ? undefined : this.#outputSchema(options.schema, options.schemaName);
    const tools = options.tools === undefined ? undefined : this.#toolsOf(options.tools);
    const parts = options.hashBy ?? allHashParts;
    const byOptions = parts.includes("options");
    const documents = new Map<string, string>();
    // Split: long strings become documents, as in the messages. Whole: written as they are
    // (so hashes stored since the first version stay the same).
    const split = (included: boolean, value: unknown) =>
      included && value !== undefined ? new CanonicalText(writeCanonical(value, documents) as string) : undefined;
    const whole = (included: boolean, value: unknown) =>
      included && value !== undefined ? new CanonicalText(canonicalJson(value)) : undefined;
    const members: ShapeMembers = {
      // A single model is hashed as it always was; a list whole, in order (README "Fallbacks" says why).
      llm: whole(
        parts.includes("llm"),
        fallbacks.length === 0 ? _modelIdentity(llm) : [llm, ...fallbacks].map(_modelIdentity),
      ),
      options: split(byOptions, generation),
      providerOptions: split(byOptions, options.providerOptions),
      salt: whole(true, options.salt),
      schema: parts.includes("schema") && schema ? this.#writtenOnce(schema) : undefined,
      toolChoice: split(byOptions, options.toolChoice),
      tools: parts.includes("tools") && tools ? this.#writtenOnce(tools) : undefined,
    };
    return {
      llm,
      fallbacks,
      generation: generation as GenerationOptions | undefined,
      schema,
      tools,
      toolChoice: options.toolChoice,
      providerOptions: options.providerOptions,
      validator: isStandardSchema(options.schema) ? options.schema : undefined,
      hashesInstructions: parts.includes("instructions"),
      hashesDocuments: parts.includes("documents"),
      members,
      documents,
    };
  }

  /** `schema` is a stable copy (or a zod schema): converted once per copy and name. */
  #outputSchema(schema: SchemaInput, name: string | undefined): OutputSchema {
    let byName = this.#outputSchemas.get(schema);
    if (!byName) {
      byName = new Map();
      this.#outputSchemas.set(schema, byName);
    }
    let output = byName.get(name);
    if (!output) {
      output = toOutputSchema(schema, name);
      byName.set(name, output);
    }
    return output;
  }

  /** `tools` is a stable copy: converted once per copy. */
  #toolsOf(tools: ToolsInput): ToolDefinition[] {
    let definitions = this.#toolDefinitions.get(tools);
    if (!definitions) {
      definitions = toToolDefinitions(tools);
      this.#toolDefinitions.set(tools, definitions);
    }
    return definitions;
  }

  /** Schemas and tool lists are reused across asks: each converted one is written once (whole). */
  #writtenOnce(value: object): CanonicalText {
    let text = this.#written.get(value);
    if (text === undefined) {
      text = new CanonicalText(canonicalJson(value));
      this.#written.set(value, text);
    }
    return text;
  }
}

function unchanged(watched: readonly (readonly [object, unknown])[]): boolean {
  for (const [value, copy] of watched) if (!sameData(value, copy)) return false;
  return true;
}

function _modelIdentity(model: ResolvedModel) {
  return { api: model.api, model: model.model, provider: model.provider };
}
