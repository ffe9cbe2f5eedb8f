/**
 * From an ask (documents + options + defaults) to the neutral request and its
 * identity hash. The hash covers everything that shapes the answer, selected
 * by `hashBy`, plus `salt`.
 */
import type { Document } from "../documents/document.js";
import { normalizeDocuments } from "../documents/normalize-documents.js";
import { type CanonicalForm, canonicalForm, sha256 } from "./canonical.js";
import { InputError } from "./errors.js";
import type { GenerationOptions, LLM, LLMRequest, ProviderName, ToolChoice } from "./llm.js";
import {
  isStandardSchema,
  type SchemaInput,
  type StandardSchema,
  type ToolsInput,
  toOutputSchema,
  toToolDefinitions,
} from "./schema.js";

/** What goes into a call's identity hash. */
export type HashPart = "instructions" | "documents" | "llm" | "schema" | "tools" | "options";

export const allHashParts: readonly HashPart[] = ["instructions", "documents", "llm", "schema", "tools", "options"];

/** Options that may be set per ask, per agent, or for the whole run. */
export interface CallDefaults {
  /** Model name (`"gpt-4.1-mini"`, `"claude-sonnet-4-5"`, `"gemini-2.5-flash"`, `"openai:my-model"`) or identity. */
  readonly llm?: LLM;
  /** System instructions. Per-agent and per-ask instructions are joined, agent first. */
  readonly instructions?: string;
  /** Separates otherwise identical calls on purpose (a new sample, an experiment). */
  readonly salt?: string;
  /** What the identity hash covers. @default all parts */
  readonly hashBy?: readonly HashPart[];
  readonly temperature?: number;
  readonly topP?: number;
  readonly maxTokens?: number;
  readonly stop?: readonly string[];
  readonly seed?: number;
  /** Merged into the provider's request body as is. */
  readonly providerOptions?: { readonly [key: string]: unknown };
}

export interface AskOptions<S extends SchemaInput | undefined = SchemaInput | undefined> extends CallDefaults {
  /** Structured output: a zod schema (typed `value()`) or a JSON Schema object. */
  readonly schema?: S;
  /** Name of the output schema, for providers that want one. @default the schema's title or "output" */
  readonly schemaName?: string;
  readonly tools?: ToolsInput;
  readonly toolChoice?: ToolChoice;
  /** Send even if an answer is stored; the stored answer stays the one replayed. */
  readonly ignoreCache?: boolean;
  /** Send even if an answer is stored, and replace it. */
  readonly rewriteCache?: boolean;
}

export interface ResolvedModel {
  readonly id: string;
  readonly provider: ProviderName;
  readonly model: string;
  readonly api: "responses" | "chat" | undefined;
}

export interface PreparedCall {
  readonly request: LLMRequest;
  readonly canonical: CanonicalForm;
  readonly hash: string;
  readonly llm: ResolvedModel;
  readonly validator: StandardSchema | undefined;
}

const optionKeys = ["temperature", "topP", "maxTokens", "stop", "seed"] as const;

export function prepareCall(
  documents: Document | readonly Document[],
  options: AskOptions,
  resolveLLM: (llm: LLM) => ResolvedModel,
): PreparedCall {
  if (options.llm === undefined) {
    throw new InputError('No llm for this ask; pass llm: "gpt-4.1-mini" (or another model) to ask, agent or open.');
  }
  const llm = resolveLLM(options.llm);
  const { messages, system } = normalizeDocuments(documents);
  if (messages.length === 0) throw new InputError("ask() got no documents; pass at least a prompt string.");

  const instructionParts = options.instructions ? [options.instructions, ...system] : system;
  const instructions = instructionParts.length > 0 ? instructionParts.join("\n\n") : undefined;
  let generation: Record<string, unknown> | undefined;
  for (const key of optionKeys) {
    if (options[key] !== undefined) (generation ??= {})[key] = options[key];
  }
  const schema = options.schema === undefined ? undefined : toOutputSchema(options.schema, options.schemaName);
  const tools = options.tools === undefined ? undefined : toToolDefinitions(options.tools);
  if (options.ignoreCache && options.rewriteCache) {
    throw new InputError("ignoreCache and rewriteCache contradict each other; pass one of them.");
  }

  const request: LLMRequest = {
    provider: llm.provider,
    model: llm.model,
    api: llm.api,
    instructions,
    messages,
    schema,
    tools,
    toolChoice: options.toolChoice,
    options: generation as GenerationOptions | undefined,
    providerOptions: options.providerOptions,
  };

  const parts = options.hashBy ?? allHashParts;
  const identity: Record<string, unknown> = { v: 1 };
  if (parts.includes("instructions")) identity["instructions"] = instructions;
  if (parts.includes("documents")) identity["messages"] = messages;
  if (parts.includes("llm")) identity["llm"] = { provider: llm.provider, model: llm.model, api: llm.api };
  if (parts.includes("schema")) identity["schema"] = schema;
  if (parts.includes("tools")) identity["tools"] = tools;
  if (parts.includes("options")) {
    identity["options"] = generation;
    identity["toolChoice"] = options.toolChoice;
    identity["providerOptions"] = options.providerOptions;
  }
  if (options.salt !== undefined) identity["salt"] = options.salt;
  const canonical = canonicalForm(identity);
  const validator = isStandardSchema(options.schema) ? options.schema : undefined;
  return { request, canonical, hash: sha256(canonical.json), llm, validator };
}
