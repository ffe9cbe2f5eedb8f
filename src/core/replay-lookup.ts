/**
 * The synchronous lookup of stored answers (the replay hot path), and the agent
 * scopes open: an agent's first ask is a point lookup (most agents, one per item
 * of a forEach, ask once); its later asks read all its stored answers at once.
 */
import type { AgentAnswers, CallKey, Store, StoredAnswer } from "../store/store.js";

export class ReplayLookup {
  readonly #store: Store;
  /** Stored answers of agents with a scope open; entries leave as they are replayed. */
  readonly #agentAnswers = new Map<string, { asked: boolean; answers: AgentAnswers | undefined }>();
  /** The store held no answers when the run started (after ingesting batches). */
  storeEmpty = false;

  constructor(store: Store) {
    this.#store = store;
  }

  /** An agent scope opens: its stored answers are read on its first ask. */
  enterAgent(agent: string): void {
    this.#agentAnswers.set(agent, { asked: false, answers: undefined });
  }

  leaveAgent(agent: string): void {
    this.#agentAnswers.delete(agent);
  }

  /** The agents whose scope is open. */
  openAgents(): IterableIterator<string> {
    return this.#agentAnswers.keys();
  }

  /** Let go of the answers read ahead. */
  clear(): void {
    this.#agentAnswers.clear();
  }

  /** The stored answer, when the store can answer synchronously; `null` when it cannot. */
  lookupSync(key: CallKey): StoredAnswer | undefined | null {
    // A store with no answers at open cannot answer any ask of this run: each identity is asked once.
    if (this.storeEmpty) return undefined;
    const store = this.#store;
    const entry = this.#agentAnswers.get(key.agent);
    if (entry && !entry.asked && store.lookupSync) {
      entry.asked = true;
      return store.lookupSync(key);
    }
    if (entry && store.agentAnswersSync) {
      entry.answers ??= store.agentAnswersSync(key.agent);
      const byOccurrence = entry.answers.get(key.hash);
      if (!byOccurrence) return undefined;
      const answer = byOccurrence[key.occurrence];
      // Each identity is asked once per run: let the memory go.
      byOccurrence[key.occurrence] = undefined;
      return answer;
    }
    return store.lookupSync ? store.lookupSync(key) : null;
  }
}
