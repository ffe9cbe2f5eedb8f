/**
 * Drift: whether a run asked for other calls than the store holds (stale
 * answers not asked, new calls made), judged at close.
 */
import type { RunTally } from "../core/run-tally.js";
import type { DriftReport, RunSummary } from "../dashboard/run-summary.js";
import type { Store } from "../store/store.js";

/**
 * Judged only for a run that finished every agent. New calls are drift only when the
 * run before finished too: after an interrupted, crashed or halted run they are the rest of its work.
 */
export async function judgeDrift(
  store: Store,
  session: number,
  tally: RunTally,
  complete: boolean,
): Promise<DriftReport> {
  const newCalls = tally.newCalls;
  if (!complete) return { judged: false, staleAnswers: 0, staleAgents: [], newCalls, drifted: false };
  const newCallsDrift = newCalls > 0 && (await previousRunFinished(store, session));
  const asked = tally.askedCallIds;
  const counts = await store.answeredCount?.(session);
  if (counts && counts.total === asked.size) {
    // Everything stored was asked: no need to list the calls.
    const drifted = counts.earlier > 0 && newCallsDrift;
    return { judged: true, staleAnswers: 0, staleAgents: [], newCalls, drifted };
  }
  const answered = await store.answeredCalls();
  const hadHistory = answered.some((call) => call.session < session);
  const stale = answered.filter((call) => !asked.has(call.callId));
  const staleAgents = [...new Set(stale.map((call) => call.agent))].slice(0, 5);
  return {
    judged: true,
    staleAnswers: stale.length,
    staleAgents,
    newCalls,
    drifted: hadHistory && (stale.length > 0 || newCallsDrift),
  };
}

/** The session before `session` ended, and finished every agent. */
async function previousRunFinished(store: Store, session: number): Promise<boolean> {
  const previous = await store.previousSession(session);
  return (previous?.summary as Partial<RunSummary> | undefined)?.complete === true;
}
