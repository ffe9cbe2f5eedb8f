/**
 * Scripted answers: rules tried in the order they were added; the first
 * matching rule with uses left answers.
 */
import type { ContextMatcher, Reply, ReplyContext, ScriptRule } from "./fake-server-types.js";

/** True when `matcher` selects `context` (an absent matcher selects everything). */
export function matchesContext(matcher: ContextMatcher | undefined, context: ReplyContext): boolean {
  if (matcher === undefined) return true;
  if (typeof matcher === "string") return context.prompt.includes(matcher);
  if (matcher instanceof RegExp) return matcher.test(context.prompt);
  return matcher(context);
}

/** Checks a `times` option: a whole number from 1 up, or absent. */
export function checkTimes(times: number | undefined, where: string): void {
  if (times === undefined || (Number.isInteger(times) && times >= 1)) return;
  throw new TypeError(
    `[parallellm] [fake-server] Expected \`times\` in ${where} to be a whole number from 1 up, got \`${times}\` (${typeof times}).`,
  );
}

/** The scripted rules of one server, with their remaining uses. */
export class ScriptBook {
  readonly #rules: { readonly rule: ScriptRule; remaining: number }[] = [];

  add(rule: ScriptRule): void {
    checkTimes(rule.times, "script()");
    this.#rules.push({ rule, remaining: rule.times ?? Number.POSITIVE_INFINITY });
  }

  /** The reply of the first matching rule, using one of its uses; `undefined` when none matches. */
  take(context: ReplyContext): Reply | undefined {
    for (const entry of this.#rules) {
      if (entry.remaining <= 0 || !_selects(entry.rule, context)) continue;
      entry.remaining -= 1;
      const reply = typeof entry.rule.reply === "function" ? entry.rule.reply(context) : entry.rule.reply;
      return typeof reply === "string" ? { text: reply } : reply;
    }
    return undefined;
  }
}

// --- internal ---

function _selects(rule: ScriptRule, context: ReplyContext): boolean {
  if (rule.provider !== undefined && rule.provider !== context.provider) return false;
  if (rule.model !== undefined) {
    if (context.model === undefined) return false;
    const modelMatches = typeof rule.model === "string" ? rule.model === context.model : rule.model.test(context.model);
    if (!modelMatches) return false;
  }
  return matchesContext(rule.match, context);
}
