/**
 * From an ask (documents + options + defaults) to the neutral request and its
 * identity hash. The hash covers everything that shapes the answer, selected
 * by `hashBy`, plus `salt`.
 */
import type { Document } from "../documents/document.js";
import { normalizeDocuments } from "../documents/normalize-documents.js";
import { type CanonicalForm, canonicalJson, joinCanonical, noDocuments, sha256, writeCanonical } from "./canonical.js";
import { InputError } from "./errors.js";
import type { GenerationOptions, LLM, LLMRequest, Message, ProviderName, ToolChoice } from "./llm.js";
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
  readonly llm?: LLM | undefined;
  /** System instructions. Per-agent and per-ask instructions are joined, agent first. */
  readonly instructions?: string | undefined;
  /** Separates otherwise identical calls on purpose (a new sample, an experiment). */
  readonly salt?: string | undefined;
  /** What the identity hash covers. @default all parts */
  readonly hashBy?: readonly HashPart[] | undefined;
  readonly temperature?: number | undefined;
  readonly topP?: number | undefined;
  readonly maxTokens?: number | undefined;
  readonly stop?: readonly string[] | undefined;
  readonly seed?: number | undefined;
  /** Merged into the provider's request body as is. */
  readonly providerOptions?: { readonly [key: string]: unknown } | undefined;
  /**
   * Send even if an answer is stored; the stored answer stays the one replayed.
   * In `batch` and `hybrid` such asks are sent directly; in `dry-run` they are only counted.
   */
  readonly ignoreCache?: boolean | undefined;
  /** Send even if an answer is stored, and replace it (sent directly in `batch` and `hybrid`, as `ignoreCache`). */
  readonly rewriteCache?: boolean | undefined;
  /**
   * When a structured answer does not match its `schema` (or is not JSON), ask
   * again up to this many times. Each retry is a call of its own, stored beside
   * the invalid answer (which stays recorded) and replayed by later runs.
   * @default 0
   */
  readonly retryInvalid?: number | undefined;
}

export interface AskOptions<S extends SchemaInput | undefined = SchemaInput | undefined> extends CallDefaults {
  /** Structured output: a zod schema (typed `value()`) or a JSON Schema object. */
  readonly schema?: S | undefined;
  /** Name of the output schema, for providers that want one. @default the schema's title or "output" */
  readonly schemaName?: string | undefined;
  readonly tools?: ToolsInput | undefined;
  readonly toolChoice?: ToolChoice | undefined;
}

export interface ResolvedModel {
  readonly id: string;
  readonly provider: ProviderName;
  readonly model: string;
  /** The provider's API variant (`Provider.api`), hashed with the model. */
  readonly api: string | undefined;
}

export interface PreparedCall {
  readonly request: LLMRequest;
  readonly canonical: CanonicalForm;
  readonly hash: string;
  readonly llm: ResolvedModel;
  readonly validator: StandardSchema | undefined;
  /** How many characters end the canonical JSON after where a `retryInvalid` member goes (see `retryCall`). */
  readonly retryFromEnd: number;
}

const optionKeys = ["temperature", "topP", "maxTokens", "stop", "seed"] as const;

/** What an ask's options decide, whatever its documents: the same for every ask made with one options object. */
interface CallShape {
  readonly options: AskOptions;
  readonly resolveLLM: (llm: LLM) => ResolvedModel;
  readonly llm: ResolvedModel;
  readonly generation: GenerationOptions | undefined;
  readonly schema: LLMRequest["schema"];
  readonly tools: LLMRequest["tools"];
  readonly validator: StandardSchema | undefined;
  readonly hashesInstructions: boolean;
  readonly hashesLlm: boolean;
  readonly hashesDocuments: boolean;
  /** The canonical members after `messages`, closing brace included. */
  readonly tail: string;
  /** How many characters of `tail` follow where a `retryInvalid` member would go (key order). */
  readonly retryFromEnd: number;
  /** Long strings among those members (`providerOptions`), by hash. */
  readonly tailDocuments: ReadonlyMap<string, string>;
}

/**
 * The last shape made: asks in a pipeline share their agent's (or the run's)
 * options object, so this one entry spares re-deriving and re-serialising
 * everything but the documents on nearly every ask.
 */
let lastShape: CallShape | undefined;

/** Long strings met while writing one ask's canonical JSON; reused, as asks are prepared one at a time. */
const foundDocuments = new Map<string, string>();

export function prepareCall(
  documents: Document | readonly Document[],
  options: AskOptions,
  resolveLLM: (llm: LLM) => ResolvedModel,
): PreparedCall {
  let shape = lastShape;
  if (shape?.options !== options || shape.resolveLLM !== resolveLLM) {
    shape = callShape(options, resolveLLM);
    lastShape = shape;
  }
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
  const { llm } = shape;
  const request: LLMRequest = {
    provider: llm.provider,
    model: llm.model,
    instructions,
    messages,
    schema: shape.schema,
    tools: shape.tools,
    toolChoice: options.toolChoice,
    options: shape.generation,
    providerOptions: options.providerOptions,
  };

  const found = foundDocuments;
  found.clear();
  // Members in key order, written straight into the JSON (this runs on every replay);
  // equal to canonicalJson of the same object (see prepare-call.test.ts).
  let json = "{";
  json = appendMember(json, "instructions", member(shape.hashesInstructions, instructions, found));
  json = appendMember(json, "llm", shape.hashesLlm ? llmJson(llm) : undefined);
  json = appendMember(json, "messages", shape.hashesDocuments ? messagesJson(documents, messages, found) : undefined);
  json = `${json}${json.length > 1 ? "," : ""}${shape.tail}`;
  // Collected batch calls keep their canonical form until close: no Map each unless there are long strings.
  const documentsByHash =
    found.size + shape.tailDocuments.size === 0 ? noDocuments : new Map([...shape.tailDocuments, ...found]);
  const canonical: CanonicalForm = { json, documents: documentsByHash };
  return { request, canonical, hash: sha256(json), llm, validator: shape.validator, retryFromEnd: shape.retryFromEnd };
}

/**
 * Attempt `attempt` (1, 2...) of a call whose answer did not match its schema
 * (`retryInvalid`): the same request, with an identity of its own — its
 * canonical JSON gains `"retryInvalid": attempt`, as a `salt` would change it —
 * so the invalid answer stays stored beside it and a rerun finds both.
 */
export function retryCall(call: PreparedCall, attempt: number): PreparedCall {
  const { json, documents } = call.canonical;
  const at = json.length - call.retryFromEnd;
  const member = `"retryInvalid":${attempt}`;
  // Members follow in key order, so the ones after it start with a comma unless it comes first.
  const retried =
    json[at] === ","
      ? `${json.slice(0, at)},${member}${json.slice(at)}`
      : `${json.slice(0, at)}${member},${json.slice(at)}`;
  return { ...call, canonical: { json: retried, documents }, hash: sha256(retried) };
}

function callShape(options: AskOptions, resolveLLM: (llm: LLM) => ResolvedModel): CallShape {
  if (options.llm === undefined) {
    throw new InputError('No llm for this ask; pass llm: "gpt-4.1-mini" (or another model) to ask, agent or open.');
  }
  if (options.ignoreCache && options.rewriteCache) {
    throw new InputError(
      "ignoreCache and rewriteCache contradict each other (set at open, for the agent or for the ask); pass one of them, or set the other to false where you override it.",
    );
  }
  const llm = resolveLLM(options.llm);
  let generation: Record<string, unknown> | undefined;
  for (const key of optionKeys) {
    if (options[key] === undefined) continue;
    generation ??= {};
    generation[key] = options[key];
  }
  const schema = options.schema === undefined ? undefined : toOutputSchema(options.schema, options.schemaName);
  const tools = options.tools === undefined ? undefined : toToolDefinitions(options.tools);
  const parts = options.hashBy ?? allHashParts;
  const byOptions = parts.includes("options");
  const tailDocuments = new Map<string, string>();
  let tail = "";
  const add = (key: string, value: string | undefined) => {
    if (value !== undefined) tail += `${tail === "" ? "" : ","}"${key}":${value}`;
  };
  add("options", member(byOptions, generation, tailDocuments));
  add("providerOptions", member(byOptions, options.providerOptions, tailDocuments));
  const retryAt = tail.length;
  add("salt", options.salt === undefined ? undefined : JSON.stringify(options.salt));
  add("schema", parts.includes("schema") && schema ? memoJson(schema) : undefined);
  add("toolChoice", member(byOptions, options.toolChoice, tailDocuments));
  add("tools", parts.includes("tools") && tools ? memoJson(tools) : undefined);
  add("v", "1");
  return {
    options,
    resolveLLM,
    llm,
    generation: generation as GenerationOptions | undefined,
    schema,
    tools,
    validator: isStandardSchema(options.schema) ? options.schema : undefined,
    hashesInstructions: parts.includes("instructions"),
    hashesLlm: parts.includes("llm"),
    hashesDocuments: parts.includes("documents"),
    tail: `${tail}}`,
    retryFromEnd: tail.length + 1 - retryAt,
    tailDocuments,
  };
}

/**
 * Canonical JSON of the messages. A lone prompt string (most asks) is written
 * straight into the shape `writeCanonical` gives its one message.
 */
function messagesJson(documents: Document | readonly Document[], messages: Message[], found: Map<string, string>) {
  if (typeof documents !== "string") return writeCanonical(messages, found);
  return `[{"content":[{"text":${writeCanonical(documents, found)},"type":"text"}],"role":"user"}]`;
}

function appendMember(json: string, key: string, member: string | undefined): string {
  if (member === undefined) return json;
  return `${json}${json.length > 1 ? "," : ""}"${key}":${member}`;
}

function member(included: boolean, value: unknown, documents: Map<string, string>): string | undefined {
  return included && value !== undefined ? writeCanonical(value, documents) : undefined;
}

const memoized = new WeakMap<object, string>();

/** Schemas and tool lists are reused across asks: serialise each object once. */
function memoJson(value: object): string {
  let json = memoized.get(value);
  if (json === undefined) {
    json = canonicalJson(value);
    memoized.set(value, json);
  }
  return json;
}

const llmJsons = new WeakMap<ResolvedModel, string>();

function llmJson(llm: ResolvedModel): string {
  let json = llmJsons.get(llm);
  if (json === undefined) {
    json = buildLlmJson(llm);
    llmJsons.set(llm, json);
  }
  return json;
}

function buildLlmJson(llm: ResolvedModel): string {
  return joinCanonical([
    ["api", llm.api === undefined ? undefined : JSON.stringify(llm.api)],
    ["model", JSON.stringify(llm.model)],
    ["provider", JSON.stringify(llm.provider)],
  ]);
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
