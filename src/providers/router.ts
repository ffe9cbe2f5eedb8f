/**
 * The providers of one run, by the name each is registered under, and which
 * one answers an `llm`. The core holds no list of vendors: names, model
 * prefixes and default models all come from the registered providers.
 */
import { checkOptions, defineOptions, isString } from "../core/check-options.js";
import { closestName } from "../core/closest-name.js";
import { InputError } from "../core/errors.js";
import { carriedProvider, type LLM, type LLMIdentity, type ProviderName } from "../core/llm.js";
import type { Provider } from "./provider.js";

export interface ResolvedLLM {
  readonly id: string;
  readonly provider: ProviderName;
  readonly model: string;
  /** The provider's API variant (`Provider.api`): part of the call's stored identity. */
  readonly api: string | undefined;
}

/** The providers of one run: the built-ins, replaced or joined by those the user registered. */
export class ProviderRouter {
  readonly #providers = new Map<ProviderName, Provider>();
  readonly #builtIns: Readonly<Record<ProviderName, Provider>>;
  readonly #registered = new Set<ProviderName>();
  /** Prefix claims, the user's before the built-ins', the longest first within each. */
  readonly #claims: { readonly prefix: string; readonly name: ProviderName }[];
  readonly #resolved = new Map<string, ResolvedLLM>();
  /** The name each registered provider object is known by, for identities that carry one. */
  readonly #nameOf = new Map<Provider, ProviderName>();

  /**
   * @throws InputError when two registered providers claim one model prefix.
   */
  constructor(
    builtIns: Readonly<Record<ProviderName, Provider>>,
    registered: Readonly<Record<ProviderName, Provider | undefined>>,
  ) {
    this.#builtIns = builtIns;
    for (const [name, provider] of Object.entries(builtIns)) this.#providers.set(name, provider);
    const userClaims = new Map<string, ProviderName>();
    for (const [name, provider] of Object.entries(registered)) {
      if (!provider) continue;
      this.#providers.set(name, provider);
      this.#registered.add(name);
      this.#nameOf.set(provider, name);
      for (const prefix of provider.modelPrefixes ?? []) {
        const other = userClaims.get(prefix);
        if (other !== undefined && other !== name) {
          throw new InputError(
            `providers "${other}" and "${name}" both claim models starting with "${prefix}", so "${prefix}..." could go to either. Name the provider in \`llm\` ("${name}:${prefix}...") and give one of them other modelPrefixes.`,
          );
        }
        userClaims.set(prefix, name);
      }
    }
    // A built-in's prefixes stay with its name when a registered provider replaces it.
    const builtInClaims = Object.entries(builtIns).flatMap(([name, provider]) =>
      (provider.modelPrefixes ?? []).map((prefix) => ({ prefix, name })),
    );
    const longestFirst = (claims: { prefix: string; name: ProviderName }[]) =>
      claims.sort((left, right) => right.prefix.length - left.prefix.length);
    this.#claims = [
      ...longestFirst([...userClaims].map(([prefix, name]) => ({ prefix, name }))),
      ...longestFirst(builtInClaims),
    ];
  }

  /** True for a name the user registered in `providers` (a new provider, or one replacing a built-in). */
  isRegistered(name: ProviderName): boolean {
    return this.#registered.has(name);
  }

  /** The registered names, in registration order. */
  get names(): ProviderName[] {
    return [...this.#providers.keys()];
  }

  /** @throws InputError for a name no provider is registered under, with the name most likely meant. */
  get(name: ProviderName): Provider {
    const provider = this.#providers.get(name);
    if (provider) return provider;
    throw this.unknownName(name, "this run");
  }

  /** @throws InputError for a name that is not registered, naming `where` it was found. */
  checkName(name: unknown, where: string): asserts name is ProviderName {
    if (typeof name === "string" && this.#providers.has(name)) return;
    throw this.unknownName(name, where);
  }

  /**
   * Resolve an `llm` option: `"gpt-4.1-mini"`, `"openai:my-finetune"`, `"openai"`, or an identity.
   * An arrow property: asks pass it along, and its identity keys their caches.
   */
  readonly resolve = (llm: LLM): ResolvedLLM => {
    if (typeof llm === "object" && llm !== null) return this.#resolveIdentity(llm);
    const known = typeof llm === "string" ? this.#resolved.get(llm) : undefined;
    if (known) return known;
    const resolved = this.#resolveName(llm);
    if (this.#resolved.size < 1000) this.#resolved.set(llm, resolved);
    return resolved;
  };

  /** The model an `llm` naming only the provider means; a replaced built-in's when its replacement names none. */
  defaultModelOf(name: ProviderName): string {
    const model =
      this.get(name).defaultModel ??
      (Object.hasOwn(this.#builtIns, name) ? this.#builtIns[name]?.defaultModel : undefined);
    if (model === undefined) {
      throw new InputError(
        `The provider "${name}" has no default model; name one: llm: "${name}:<model>" (or set defaultModel on the provider).`,
      );
    }
    return model;
  }

  /** The error for a provider name that is not registered, found `where`. */
  unknownName(name: unknown, where: string): InputError {
    const names = this.names;
    const guess = typeof name === "string" ? closestName(name, names) : undefined;
    return new InputError(
      `Unknown provider ${JSON.stringify(name) ?? String(name)} in ${where}${guess ? `; did you mean "${guess}"?` : "."} The registered providers are ${names.join(", ")}; register another with providers: { <name>: provider } (e.g. createOpenAIProvider({ name, baseURL }) from "parallellm/openai", or new MockProvider() from "parallellm/testing").`,
    );
  }

  #resolveName(llm: string): ResolvedLLM {
    if (typeof llm !== "string" || llm.length === 0) {
      throw new InputError(`llm must be a model name or { provider, model }, got ${JSON.stringify(llm)}.`);
    }
    const colon = llm.indexOf(":");
    if (colon > 0 && this.#providers.has(llm.slice(0, colon))) {
      const name = llm.slice(0, colon);
      const model = llm.slice(colon + 1);
      return this.#resolution(name, model === "" ? this.defaultModelOf(name) : model, undefined);
    }
    if (this.#providers.has(llm)) return this.#resolution(llm, this.defaultModelOf(llm), undefined);
    const claim = this.#claims.find(({ prefix }) => llm.startsWith(prefix));
    if (!claim) {
      const names = this.names;
      throw new InputError(
        `Unknown model "${llm}": no registered provider (${names.join(", ")}) claims it, so parallellm cannot tell which one serves it. Name the provider: llm: "${names[0] ?? "openai"}:${llm}" (also for OpenAI-compatible servers), or { provider: "${names.join('" | "')}", model: "${llm}" }; or register the provider that serves it: providers: { <name>: provider }.`,
      );
    }
    return this.#resolution(claim.name, llm, undefined);
  }

  #resolveIdentity(identity: LLMIdentity): ResolvedLLM {
    if (typeof identity === "object" && "api" in identity) {
      throw new InputError(
        `llm ${JSON.stringify(identity)}: \`api\` is no longer part of \`llm\`; it is a setting of the provider. Register one that speaks that API, e.g. providers: { openai: createOpenAIProvider({ api: "chat" }) } (from "parallellm/openai"), or under a name of its own: providers: { local: createOpenAIProvider({ name: "local", baseURL, api: "chat" }) } with llm: "local:<model>".`,
      );
    }
    const carried = identity[carriedProvider] as CarriedProvider | undefined;
    if (carried !== undefined)
      return this.#resolution(this.#adopt(identity.provider, carried), identity.model, identity.id);
    checkOptions(identity, _identity);
    this.checkName(identity.provider, `llm ${JSON.stringify(identity)}`);
    if (typeof identity.model !== "string" || identity.model.length === 0) {
      throw new InputError(`llm ${JSON.stringify(identity)} has no model; add model: "..."`);
    }
    return this.#resolution(identity.provider, identity.model, identity.id);
  }

  /**
   * The name a provider an identity brings is served under: the one it is
   * registered under, or `name`, which it joins (the same kind of provider with
   * other models) or takes (a name no provider has).
   */
  #adopt(name: ProviderName, carried: CarriedProvider): ProviderName {
    const known = this.#nameOf.get(carried);
    if (known !== undefined) return known;
    const holder = this.#providers.get(name);
    if (holder === undefined) {
      this.#providers.set(name, carried);
      this.#registered.add(name);
      this.#nameOf.set(carried, name);
      return name;
    }
    if ((holder as Partial<CarriedProvider>).join?.(carried) === true) {
      this.#nameOf.set(carried, name);
      return name;
    }
    throw new InputError(
      `The provider name "${name}" of this llm is taken by another provider in this run (${this.#builtIns[name] === holder ? "a built-in" : "registered in `providers`"}); give the model a name of its own, e.g. fromAiSdk(model, { name: "${name}-ai-sdk" }).`,
    );
  }

  #resolution(name: ProviderName, model: string, id: string | undefined): ResolvedLLM {
    return { id: id ?? model, provider: name, model, api: this.get(name).api };
  }
}

/** A provider an `llm` identity brings along (`fromAiSdk(model)`): registered by the run at its first use. */
export interface CarriedProvider extends Provider {
  /** Serve `other`'s models too, under this provider's name; false when `other` is not of its kind. */
  join(other: CarriedProvider): boolean;
}

// --- internal ---

const _identity = defineOptions<Omit<LLMIdentity, typeof carriedProvider>>(
  "`llm`",
  {
    id: ["a string", isString],
    provider: ["a provider name", isString],
    model: ["a model name", isString],
  },
  { prefix: "llm." },
);
