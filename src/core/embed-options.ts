/**
 * The options of `agent.embed`, checked where the user passes them: an unknown
 * key is refused with "did you mean", a value of the wrong type naming the option.
 */
import { checkOptions, defineOptions, isBoolean, isObject, isString, wholeFrom } from "./check-options.js";
import { InputError } from "./errors.js";
import type { LLM } from "./llm.js";

export interface EmbedOptions {
  /**
   * The embedding model: `"text-embedding-3-small"`, `"gemini-embedding-001"`,
   * `"openai:my-model"` or `{ provider, model }`. One model, never a list: vectors of
   * two models live in different spaces, so a fallback's vector would not be comparable.
   */
  readonly model: LLM;
  /** Length of the vectors, for models that can shorten theirs (OpenAI `dimensions`, Gemini `outputDimensionality`). */
  readonly dimensions?: number | undefined;
  /**
   * What the texts are for, for models that embed by purpose: Gemini's `taskType`
   * (`"RETRIEVAL_DOCUMENT"`, `"RETRIEVAL_QUERY"`, `"SEMANTIC_SIMILARITY"`...). OpenAI's models take none.
   */
  readonly inputType?: string | undefined;
  /** Send even if a vector is stored; the stored vector stays the one replayed. */
  readonly ignoreCache?: boolean | undefined;
  /** Send even if a vector is stored, and replace it. */
  readonly rewriteCache?: boolean | undefined;
}

/** @throws InputError for a missing model, an unknown key, or a value that cannot be right. */
export function checkEmbedOptions(options: EmbedOptions): void {
  if (_embedOptions.checked.has(options)) return;
  checkOptions(options, _embedOptions);
  if (Array.isArray(options.model)) {
    throw new InputError(
      'embed() takes one model, not a list: vectors of two models live in different spaces and cannot stand in for each other. Pass model: "text-embedding-3-small" (or another single model).',
    );
  }
  if (options.model === undefined) {
    throw new InputError(
      'embed() needs a model; pass { model: "text-embedding-3-small" } (or "gemini-embedding-001").',
    );
  }
}

/** The texts of `agent.embed`, as a list. */
export function embedTexts(texts: unknown): readonly string[] {
  const list = typeof texts === "string" ? [texts] : texts;
  if (!Array.isArray(list)) {
    throw new InputError(`embed() takes a string or an array of strings, got ${typeof texts}.`);
  }
  for (let index = 0; index < list.length; index++) {
    const text: unknown = list[index];
    if (typeof text !== "string" || text.trim() === "") {
      throw new InputError(
        `embed() got ${typeof text === "string" ? "an empty string" : `a ${typeof text}`} as text ${index}; every text must be a string with something to embed.`,
      );
    }
  }
  return list as readonly string[];
}

// --- internal ---

const _embedOptions = defineOptions<EmbedOptions>("embed options", {
  model: [
    'a model name ("text-embedding-3-small") or { provider, model }',
    (value) => isString(value) || isObject(value) || Array.isArray(value),
  ],
  dimensions: ["a whole number from 1 up", wholeFrom(1)],
  inputType: ["a string", isString],
  ignoreCache: ["true or false", isBoolean],
  rewriteCache: ["true or false", isBoolean],
});
