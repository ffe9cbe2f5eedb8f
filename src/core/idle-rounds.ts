/**
 * Tells when a round goes idle: every open agent waits for a collected call
 * (hybrid decides the round then). Checked on the next turn of the event loop,
 * once however many agents start waiting in this one.
 */
export class IdleRounds {
  /** How many collected calls each agent is waiting for. */
  readonly #waiting = new Map<string, number>();
  readonly #openAgents: () => Iterable<string>;
  readonly #idle: () => void;
  #checkScheduled = false;

  constructor(openAgents: () => Iterable<string>, idle: () => void) {
    this.#openAgents = openAgents;
    this.#idle = idle;
  }

  /** An agent awaits a collected call. */
  waits(agent: string): void {
    this.#waiting.set(agent, (this.#waiting.get(agent) ?? 0) + 1);
    this.#scheduleCheck();
  }

  /** An agent scope closed: the agents left may all be waiting now. */
  agentLeft(): void {
    if (this.#waiting.size > 0) this.#scheduleCheck();
  }

  #scheduleCheck(): void {
    if (this.#checkScheduled) return;
    this.#checkScheduled = true;
    setImmediate(() => {
      this.#checkScheduled = false;
      this.#check();
    });
  }

  #check(): void {
    const open = [...this.#openAgents()];
    if (open.length === 0 || open.some((agent) => !this.#waiting.get(agent))) return;
    this.#waiting.clear();
    this.#idle();
  }
}
