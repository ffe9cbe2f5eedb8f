/**
 * The lookup of stored answers (the replay hot path), and the agent scopes
 * open: an agent's first ask is a point lookup (most agents, one per item of a
 * forEach, ask once); its later asks read all its stored answers at once, then
 * replay from them synchronously, whether the store reads synchronously
 * (SQLite) or over the network (`agentAnswers`).
 */
import type { AgentAnswers, CallKey, Store, StoredAnswer } from "../store/store.js";

interface AgentEntry {
  asked: boolean;
  answers: AgentAnswers | undefined;
  /** The read of `answers` under way, from a store without a synchronous path. */
  reading: Promise<AgentAnswers> | undefined;
}

export class ReplayLookup {
  readonly #store: Store;
  /** Stored answers of agents with a scope open; entries leave as they are replayed. */
  readonly #agentAnswers = new Map<string, AgentEntry>();
  /** The store held no answers when the run started (after ingesting batches). */
  storeEmpty = false;

  constructor(store: Store) {
    this.#store = store;
  }

  /** An agent scope opens: its stored answers are read on its first ask. */
  enterAgent(agent: string): void {
    this.#agentAnswers.set(agent, { asked: false, answers: undefined, reading: undefined });
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

  /** The stored answer, when it can be had synchronously; `null` when it cannot (then `lookup`). */
  lookupSync(key: CallKey): StoredAnswer | undefined | null {
    // A store with no answers at open cannot answer any ask of this run: each identity is asked once.
    if (this.storeEmpty) return undefined;
    const store = this.#store;
    const entry = this.#agentAnswers.get(key.agent);
    if (entry?.answers) return _take(entry.answers, key);
    if (entry && !entry.asked && store.lookupSync) {
      entry.asked = true;
      return store.lookupSync(key);
    }
    if (entry && store.agentAnswersSync) {
      entry.answers = store.agentAnswersSync(key.agent);
      return _take(entry.answers, key);
    }
    return store.lookupSync ? store.lookupSync(key) : null;
  }

  /** The stored answer from a store without a synchronous path (after `lookupSync` gave `null`). */
  async lookup(key: CallKey): Promise<StoredAnswer | undefined> {
    const store = this.#store;
    const entry = this.#agentAnswers.get(key.agent);
    if (!entry || !store.agentAnswers) return store.lookup(key);
    if (!entry.asked) {
      entry.asked = true;
      return store.lookup(key);
    }
    entry.reading ??= store.agentAnswers(key.agent).then((answers) => {
      entry.answers = answers;
      return answers;
    });
    return _take(await entry.reading, key);
  }
}

// --- internal ---

/** The answer of `key` among an agent's answers; each identity is asked once per run, so the memory goes. */
function _take(answers: AgentAnswers, key: CallKey): StoredAnswer | undefined {
  const byOccurrence = answers.get(key.hash);
  if (!byOccurrence) return undefined;
  const answer = byOccurrence[key.occurrence];
  byOccurrence[key.occurrence] = undefined;
  return answer;
}
