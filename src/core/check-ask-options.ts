/**
 * The options of asks, agent defaults, conversations and tool loops, checked
 * where the user passes them, before anything is hashed or sent: an unknown
 * key is refused with "did you mean", a value of the wrong type naming the
 * option, rather than being ignored or reaching a provider as is.
 */

import { type AskOptions, allHashParts, type CallDefaults } from "./call-options.js";
import {
  checkOptions,
  defineOptions,
  isBoolean,
  isFunction,
  isObject,
  isString,
  nestedOptions,
  type OptionRules,
  wholeFrom,
} from "./check-options.js";
import type { ConversationOptions } from "./conversation.js";
import { InputError } from "./errors.js";
import { checkJsonValue } from "./json-value.js";
import type { ToolChoice } from "./llm.js";
import type { RunToolsOptions } from "./run-tools.js";
import type { ToolsInput } from "./schema.js";

/** @throws InputError for an unknown key or a value that cannot be right. */
export function checkAskOptions(options: AskOptions): void {
  if (_askOptions.checked.has(options)) return;
  checkOptions(options, _askOptions);
  if (options.retryInvalid && options.schema === undefined) {
    throw new InputError(
      "retryInvalid asks again when an answer does not match its schema, and this ask has none; pass a schema or leave retryInvalid out.",
    );
  }
}

/** Defaults for the asks of an agent (`pllm.agent(name, defaults, fn)`); `where` names them in errors. */
export function checkCallDefaults(defaults: CallDefaults, where: string): void {
  checkOptions(defaults, _callDefaults, { where, prefix: "" });
}

/** Options of `agent.conversation(name, options)`. */
export function checkConversationOptions(options: ConversationOptions): void {
  checkOptions(options, _conversationOptions);
}

/** Options of `agent.runTools(prompt, options)`. */
export function checkRunToolsOptions(options: RunToolsOptions<ToolsInput, undefined>): void {
  checkOptions(options, _runToolsOptions);
}

/** The rules of the options every level shares, for the open options to include. */
export const callDefaultRules: OptionRules<CallDefaults> = {
  llm: [
    "a model name, { provider, model }, or a list of them (a primary model and its fallbacks)",
    (value) => isString(value) || isObject(value),
  ],
  instructions: [
    "a string with text (or empty, for none)",
    (value) => isString(value) && (value === "" || /\S/.test(value as string)),
  ],
  salt: ["a string", isString],
  hashBy: [
    `an array of ${allHashParts.map((part) => `"${part}"`).join(", ")}`,
    (value) => Array.isArray(value) && value.every((part) => allHashParts.includes(part)),
  ],
  temperature: ["a finite number", Number.isFinite],
  topP: ["a finite number", Number.isFinite],
  maxTokens: ["a whole number from 1 up", wholeFrom(1)],
  stop: ["an array of strings", (value) => Array.isArray(value) && value.every(isString)],
  seed: ["a whole number", Number.isSafeInteger],
  providerOptions: ["an object", (value) => _isProviderOptions(value)],
  ignoreCache: ["true or false", isBoolean],
  rewriteCache: ["true or false", isBoolean],
  retryInvalid: ["a whole number from 0 up", wholeFrom(0)],
};

/** Every option that may be set per ask, per agent or for the whole run. */
export const callDefaultKeys = Object.keys(callDefaultRules) as readonly (keyof CallDefaults)[];

// --- internal ---

/** An object, sent as JSON as it is (@throws InputError naming what in it JSON would change). */
function _isProviderOptions(value: unknown): boolean {
  if (!isObject(value) || Array.isArray(value)) return false;
  checkJsonValue(value, "providerOptions");
  return true;
}

const _callDefaults = defineOptions<CallDefaults>("agent defaults", callDefaultRules, {
  home: "a call option (Parallellm.open options, agent defaults or ask options)",
});

const _toolChoice = defineOptions<Exclude<ToolChoice, string>>(
  "`toolChoice`",
  { name: ["a tool name", isString] },
  { prefix: "toolChoice." },
);

const _askRules: OptionRules<AskOptions> = {
  ...callDefaultRules,
  schema: ["a zod schema or a JSON Schema object", isObject],
  schemaName: ["a string", isString],
  tools: ["an object or an array", isObject],
  toolChoice: [
    '"auto", "required", "none" or { name: "<tool>" }',
    (value) =>
      value === "auto" || value === "required" || value === "none" || (isObject(value) && _nestedToolChoice(value)),
  ],
};

const _nestedToolChoice = nestedOptions(_toolChoice);

const _askOptions = defineOptions<AskOptions>("ask options", _askRules, {
  home: "set per ask (agent.ask(documents, options))",
});

const _conversationOptions = defineOptions<ConversationOptions>(
  "conversation options",
  { ...callDefaultRules, branch: ["a non-empty string", (value) => isString(value) && value !== ""] },
  { home: "an option of agent.conversation(name, options)" },
);

const _runToolsOptions = defineOptions<RunToolsOptions<ToolsInput, undefined>>(
  "runTools options",
  {
    ..._askRules,
    tools: ["an object or an array", isObject],
    handlers: [
      "an object of functions",
      (value) => isObject(value) && Object.values(value as object).every(isFunction),
    ],
    maxSteps: ["a whole number from 1 up", wholeFrom(1)],
  },
  { home: "an option of agent.runTools(prompt, options)" },
);
