/**
 * The options of an ask, an agent or a run that shape a call, and the model
 * they resolve to: what `prepareCall` and the identity cache both read.
 */
import type { LLM, ProviderName, ToolChoice } from "./llm.js";
import type { SchemaInput, ToolsInput } from "./schema.js";

/** What goes into a call's identity hash. */
export type HashPart = "instructions" | "documents" | "llm" | "schema" | "tools" | "options";

export const allHashParts: readonly HashPart[] = ["instructions", "documents", "llm", "schema", "tools", "options"];

/**
 * The model of a call, or its fallbacks: a list whose first model is asked
 * first and each next one when the one before failed for good for that ask.
 */
export type LLMChoice = LLM | readonly LLM[];

/** Options that may be set per ask, per agent, or for the whole run. */
export interface CallDefaults {
  /**
   * Model name (`"gpt-4.1-mini"`, `"claude-sonnet-4-5"`, `"gemini-2.5-flash"`, `"openai:my-model"`) or identity;
   * or a list of them, `[primary, fallback...]`: each next one answers when the one before fails for good
   * (after its retries) or stays over its rate limit.
   */
  readonly llm?: LLMChoice | undefined;
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
