/**
 * From an ask (documents + options + defaults) to the neutral request and its
 * identity hash. The hash covers everything that shapes the answer, selected
 * by `hashBy`, plus `salt`.
 */
import type { Document } from "../documents/document.js";
import { normalizeDocuments } from "../documents/normalize-documents.js";
import type { AskOptions, CallDefaults, ResolvedModel } from "./call-options.js";
import { type CanonicalForm, canonicalJson, noDocuments, sha256, writeCanonical } from "./canonical.js";
import { InputError } from "./errors.js";
import type { IdentityCache } from "./identity-cache.js";
import type { LLM, LLMRequest } from "./llm.js";
import type { StandardSchema } from "./schema.js";

export interface PreparedCall {
  readonly request: LLMRequest;
  readonly canonical: CanonicalForm;
  readonly hash: string;
  /** The model asked first. */
  readonly llm: ResolvedModel;
  /** The models asked, in order, when `llm` fails for good (`llm: [primary, fallback...]`); usually none. */
  readonly fallbacks: readonly ResolvedModel[];
  readonly validator: StandardSchema | undefined;
}

/**
 * The neutral request of one ask and its identity. `options` is the run's merged
 * copy (`mergeCallOptions`), which nothing changes once made; the objects in it
 * are the user's and may change between asks (`cache` notices). `cache`: the run's.
 */
export function prepareCall(
  documents: Document | readonly Document[],
  options: AskOptions,
  resolveLLM: (llm: LLM) => ResolvedModel,
  cache: IdentityCache,
): PreparedCall {
  const shape = cache.shapeOf(options, resolveLLM);
  const { messages, system } = normalizeDocuments(documents);
  if (messages.length === 0) {
    throw new InputError(
      `ask() got no documents${system.length > 0 ? " besides system messages (which join the instructions)" : ""}; pass at least a prompt string.`,
    );
  }
  // Most asks carry no system messages: their instructions are the options' own, no array built.
  const instructions =
    system.length === 0
      ? options.instructions || undefined
      : (options.instructions ? [options.instructions, ...system] : system).join("\n\n");
  const { llm, members } = shape;
  const request: LLMRequest = {
    provider: llm.provider,
    model: llm.model,
    instructions,
    messages,
    schema: shape.schema,
    tools: shape.tools,
    toolChoice: shape.toolChoice,
    options: shape.generation,
    providerOptions: shape.providerOptions,
  };
  // The identity object: what the hash covers. The members that do not depend on the
  // documents arrive written (once per options object); all of it is written by one writer.
  const identity = {
    instructions: shape.hashesInstructions ? instructions : undefined,
    llm: members.llm,
    messages: shape.hashesDocuments ? messages : undefined,
    options: members.options,
    providerOptions: members.providerOptions,
    salt: members.salt,
    schema: members.schema,
    toolChoice: members.toolChoice,
    tools: members.tools,
    v: 1,
  };
  const found = cache.foundDocuments;
  found.clear();
  const json = writeCanonical(identity, found) as string;
  // Collected batch calls keep their canonical form until close: no Map each unless there are long strings.
  const documentsByHash =
    found.size + shape.documents.size === 0 ? noDocuments : new Map([...shape.documents, ...found]);
  const canonical: CanonicalForm = { json, documents: documentsByHash };
  return { request, canonical, hash: sha256(json), llm, fallbacks: shape.fallbacks, validator: shape.validator };
}

/**
 * Attempt `attempt` (1, 2...) of a call whose answer did not match its schema
 * (`retryInvalid`): the same request, with an identity of its own — its
 * identity object gains `retryInvalid: attempt`, as a `salt` would change it —
 * so the invalid answer stays stored beside it and a rerun finds both.
 */
export function retryCall(call: PreparedCall, attempt: number): PreparedCall {
  const { json, documents } = call.canonical;
  // Rare (an answer was invalid): the identity is read back and written again, by the one writer.
  const retried = canonicalJson({ ...(JSON.parse(json) as object), retryInvalid: attempt });
  return { ...call, canonical: { json: retried, documents }, hash: sha256(retried) };
}

/**
 * Options layered over defaults (run, agent, ask): later ones win, except that
 * instructions are joined, the outer ones first. An option given as
 * `undefined` is not given: the outer value stays.
 */
export function mergeCallOptions<Options extends CallDefaults>(
  base: CallDefaults,
  extra: Options | undefined,
): Options {
  if (!extra) return base as Options;
  const merged: Record<string, unknown> = { ...base };
  for (const key in extra) {
    if (extra[key] !== undefined) merged[key] = extra[key];
  }
  if (base.instructions && extra.instructions) merged["instructions"] = `${base.instructions}\n\n${extra.instructions}`;
  return merged as Options;
}
