/**
 * The providers of a run: the built-ins (OpenAI, Anthropic, Google), then
 * whatever `providers` registers, and every option keyed by provider name
 * checked against them.
 */

import type { LLMChoice } from "../core/call-options.js";
import { InputError } from "../core/errors.js";
import { carriedProvider } from "../core/llm.js";
import type { ParallellmOptions } from "../parallellm-options.js";
import { createAnthropicProvider } from "../providers/anthropic/index.js";
import { createGoogleProvider } from "../providers/google/index.js";
import { createOpenAIProvider } from "../providers/openai/index.js";
import { ProviderRouter } from "../providers/router.js";

/** The providers every run has unless `providers` replaces them. */
export const builtInProviderNames = ["openai", "anthropic", "google"] as const;

/**
 * The router of a run. Built-in providers make their SDK client on the first
 * send, so a replay needs no key.
 *
 * @throws InputError for a provider registered under a name other than its
 * own, a provider name no provider is registered under (`provider`, `limits`,
 * `batch.limits`, `clients`), or a setting a registered provider would ignore.
 */
export function createProviderRouter(options: ParallellmOptions): ProviderRouter {
  const registered = options.providers ?? {};
  for (const [name, provider] of Object.entries(registered)) {
    if (provider && provider.name !== name) {
      throw new InputError(
        `\`providers.${name}\` is a provider named "${provider.name}": register it as providers: { ${JSON.stringify(provider.name)}: ... }, or give it the name "${name}" where you create it (e.g. createOpenAIProvider({ name: "${name}", ... }) or new MockProvider({ name: "${name}" })), so its errors name it as your \`llm\` does.`,
      );
    }
  }
  const clients = options.clients ?? {};
  const batchLimits = options.batch?.limits ?? {};
  const router: ProviderRouter = new ProviderRouter(
    {
      openai: createOpenAIProvider({ client: clients.openai, batchLimits: batchLimits["openai"] }),
      anthropic: createAnthropicProvider({ client: clients.anthropic, batchLimits: batchLimits["anthropic"] }),
      google: createGoogleProvider({ client: clients.google, batchLimits: batchLimits["google"] }),
    },
    registered,
  );
  // A run-wide llm that brings its provider (`fromAiSdk`) is registered now, so options keyed by provider may name it.
  for (const model of Array.isArray(options.llm) ? options.llm : [options.llm]) {
    if (typeof model === "object" && model !== null && carriedProvider in model) router.resolve(model);
  }
  if (options.provider !== undefined) router.checkName(options.provider, "Parallellm.open options (`provider`)");
  for (const key of Object.keys(options.limits ?? {})) {
    const slash = key.indexOf("/");
    router.checkName(slash < 0 ? key : key.slice(0, slash), `\`limits\` ("${key}")`);
  }
  _refuseIgnored(
    router,
    Object.keys(batchLimits),
    "batch.limits",
    "the `batchLimits` setting of the factory that made it (e.g. createAnthropicProvider({ batchLimits }))",
  );
  _refuseIgnored(
    router,
    Object.keys(clients),
    "clients",
    "the `client` setting of the factory that made it (e.g. createAnthropicProvider({ client }))",
  );
  return router;
}

/** The run's default model: `llm`, or the default model of `provider`. */
export function defaultLLM(options: ParallellmOptions, router: ProviderRouter): LLMChoice | undefined {
  if (options.llm !== undefined || options.provider === undefined) return options.llm;
  return `${options.provider}:${router.defaultModelOf(options.provider)}`;
}

// --- internal ---

/** A setting for a provider the user registered would be ignored (it is made by the user): refused. */
function _refuseIgnored(router: ProviderRouter, names: readonly string[], option: string, instead: string): void {
  for (const name of names) {
    router.checkName(name, `\`${option}\``);
    if (router.isRegistered(name)) {
      throw new InputError(
        `\`${option}.${name}\` would be ignored: "${name}" is a provider you registered in \`providers\`, which parallellm does not make. Set it where you create that provider: ${instead}.`,
      );
    }
  }
}
