/**
 * Which provider answers a model name, and the provider instances of a run.
 * Providers are created on first use, so a replay needs no key and no SDK client.
 */
import { checkOptions, defineOptions, isString, oneOf } from "../core/check-options.js";
import { closestName } from "../core/closest-name.js";
import { InputError } from "../core/errors.js";
import type { LLM, LLMIdentity, ProviderName } from "../core/llm.js";
import type { Provider } from "./provider.js";

export interface ResolvedLLM {
  readonly id: string;
  readonly provider: ProviderName;
  readonly model: string;
  readonly api: "responses" | "chat" | undefined;
}

export const providerNames: readonly ProviderName[] = ["openai", "anthropic", "google", "mock"];

/** @throws InputError for a name that is not a provider, with the name most likely meant. */
export function checkProviderName(name: unknown, where: string): asserts name is ProviderName {
  if (providerNames.includes(name as ProviderName)) return;
  const guess = typeof name === "string" ? closestName(name, providerNames) : undefined;
  throw new InputError(
    `Unknown provider ${JSON.stringify(name) ?? String(name)} in ${where}${guess ? `; did you mean "${guess}"?` : "."} Use one of ${providerNames.join(", ")}.`,
  );
}

/** Model used when an ask names only a provider. */
export const defaultModels: Record<ProviderName, string> = {
  openai: "gpt-4.1-mini",
  anthropic: "claude-sonnet-4-5",
  google: "gemini-2.5-flash",
  mock: "mock-1",
};

/** The provider a model name belongs to, by its prefix; undefined when unknown. */
export function guessProvider(model: string): ProviderName | undefined {
  if (/^(gpt-|chatgpt-|o\d|text-|davinci|babbage|codex-|computer-use-)/.test(model)) return "openai";
  if (model.startsWith("claude-")) return "anthropic";
  if (/^(gemini-|gemma-|learnlm-)/.test(model)) return "google";
  if (model === "mock" || model.startsWith("mock-")) return "mock";
  return undefined;
}

/**
 * Resolve an `llm` option: `"gpt-4.1-mini"`, `"openai:my-finetune"`, or an identity.
 * Unknown names are refused with a message that says how to name the provider.
 */
export function resolveLLM(llm: LLM): ResolvedLLM {
  if (typeof llm === "object" && llm !== null) return resolveIdentity(llm);
  const known = typeof llm === "string" ? resolvedNames.get(llm) : undefined;
  if (known) return known;
  const resolved = resolveName(llm);
  if (resolvedNames.size < 1000) resolvedNames.set(llm, resolved);
  return resolved;
}

const resolvedNames = new Map<string, ResolvedLLM>();

function resolveName(llm: string): ResolvedLLM {
  if (typeof llm !== "string" || llm.length === 0) {
    throw new InputError(`llm must be a model name or { provider, model }, got ${JSON.stringify(llm)}.`);
  }
  const colon = llm.indexOf(":");
  if (colon > 0 && providerNames.includes(llm.slice(0, colon) as ProviderName)) {
    const provider = llm.slice(0, colon) as ProviderName;
    const model = llm.slice(colon + 1) || defaultModels[provider];
    return { id: model, provider, model, api: undefined };
  }
  if (providerNames.includes(llm as ProviderName)) {
    const provider = llm as ProviderName;
    return { id: defaultModels[provider], provider, model: defaultModels[provider], api: undefined };
  }
  const provider = guessProvider(llm);
  if (!provider) {
    throw new InputError(
      `Unknown model "${llm}": parallellm cannot tell which provider serves it. Name the provider: llm: "openai:${llm}" (also for OpenAI-compatible servers), or { provider: "anthropic" | "google" | "openai", model: "${llm}" }.`,
    );
  }
  return { id: llm, provider, model: llm, api: undefined };
}

const _identity = defineOptions<LLMIdentity>(
  "`llm`",
  {
    id: ["a string", isString],
    provider: ["a provider name", isString],
    model: ["a model name", isString],
    api: ['"responses" or "chat"', oneOf(["responses", "chat"])],
  },
  { prefix: "llm." },
);

function resolveIdentity(identity: LLMIdentity): ResolvedLLM {
  checkOptions(identity, _identity);
  checkProviderName(identity.provider, `llm ${JSON.stringify(identity)}`);
  if (identity.api !== undefined && (identity.provider === "anthropic" || identity.provider === "google")) {
    throw new InputError(
      `llm ${JSON.stringify(identity)}: \`api\` chooses between OpenAI's Responses and Chat Completions APIs, which ${identity.provider} does not have; leave it out.`,
    );
  }
  if (typeof identity.model !== "string" || identity.model.length === 0) {
    throw new InputError(`llm ${JSON.stringify(identity)} has no model; add model: "..."`);
  }
  return { id: identity.id ?? identity.model, provider: identity.provider, model: identity.model, api: identity.api };
}

/** How to make each provider of a run, by name. */
export type ProviderFactories = { readonly [name in ProviderName]?: (() => Provider) | undefined };

/** Provider instances of one run, created lazily by name. */
export class ProviderRegistry {
  readonly #factories: ProviderFactories;
  readonly #instances = new Map<ProviderName, Provider>();

  constructor(factories: ProviderFactories) {
    this.#factories = factories;
  }

  get(name: ProviderName): Provider {
    let provider = this.#instances.get(name);
    if (!provider) {
      const factory = this.#factories[name];
      if (!factory) {
        throw new InputError(
          name === "mock"
            ? 'No mock provider is configured; pass providers: { mock: new MockProvider() } (from "parallellm/testing").'
            : `No ${name} provider is available in this run.`,
        );
      }
      provider = factory();
      this.#instances.set(name, provider);
    }
    return provider;
  }
}
