/** The checks and outcomes of a `pllm.agent` scope. */
import type { AgentState } from "../core/agent.js";
import type { CallDefaults } from "../core/call-options.js";
import { checkCallDefaults } from "../core/check-ask-options.js";
import { InputError, Interrupted, NotAvailable, ParallellmError } from "../core/errors.js";
import { resolveChain } from "../core/fallback-chain.js";
import type { RunStats } from "../core/run-tally.js";
import type { ProviderRouter } from "../providers/router.js";

/** Refuses a name that is not a non-empty string, or a missing function. */
export function checkAgentArguments<F>(name: unknown, fn: F | undefined): asserts fn is F {
  if (typeof name !== "string" || name.length === 0) {
    throw new InputError(`Agent names must be non-empty strings that stay the same across runs, got ${String(name)}.`);
  }
  if (typeof fn !== "function") throw new InputError(`pllm.agent("${name}", fn) needs a function.`);
}

/** Throws when a scope of this name is running already. */
export function checkNotRunning(name: string, state: AgentState): void {
  if (!state.running) return;
  // Two live scopes would share one call sequence: their asks interleave by timing, so a
  // rerun could hand each the other's answers.
  throw new InputError(
    `Agent "${name}" is already running in this run. Two agents with one name share one call sequence, so a rerun could give each the other's answers. Give each agent a name of its own (add the item's id), or await the first before starting the second.`,
  );
}

/**
 * What an error thrown out of an agent's function does: a halt (an answer not available
 * yet) and, with `onError: "record"`, a provider's error end the agent, counted
 * (`true`); anything else is the caller's (`false`).
 */
export function endsAgent(error: unknown, stats: RunStats, recordErrors: boolean): boolean {
  if (error instanceof NotAvailable) {
    // An interrupted agent is not waiting for an answer: the next run sends its calls.
    if (!(error instanceof Interrupted)) stats.halted++;
    return true;
  }
  if (recordErrors && error instanceof ParallellmError && !(error instanceof InputError)) {
    stats.failedAgents++;
    return true;
  }
  return false;
}

/** Agent defaults are checked once per object (forEach items often share one), their model resolved at once. */
export class AgentDefaultsCheck {
  readonly #checked = new WeakSet<CallDefaults>();
  readonly #registry: ProviderRouter;

  constructor(registry: ProviderRouter) {
    this.#registry = registry;
  }

  check(name: string, defaults: CallDefaults): void {
    if (this.#checked.has(defaults)) return;
    checkCallDefaults(defaults, `the defaults of agent "${name}"`);
    if (defaults.llm !== undefined) resolveChain(defaults.llm, this.#registry.resolve);
    this.#checked.add(defaults);
  }
}
