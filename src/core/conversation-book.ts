/**
 * The conversation writes of one run. Nodes and branch heads are queued and
 * committed together once per turn of the event loop (and at close), so
 * rebuilding a long history costs one commit per turn, not one per message.
 */

import type { ConversationHeadRecord, ConversationNodeRecord, Store, StoredConversation } from "../store/store.js";
import { InputError } from "./errors.js";

/** @internal one per run: queues conversation writes and settles answers that arrived. */
export class ConversationBook {
  /** The session that writes. */
  readonly session: number;
  readonly #store: Store;
  #nodes = new Map<string, ConversationNodeRecord>();
  #heads = new Map<string, ConversationHeadRecord>();
  /** Conversations waiting for an answer, with how to add it once it is ready. */
  readonly #waiting = new Map<object, () => void>();
  #scheduled = false;
  /** The last commit; commits run one after the other. */
  #committed: Promise<void> = Promise.resolve();
  #failure: unknown;
  #closed = false;

  constructor(store: Store, session: number) {
    this.#store = store;
    this.session = session;
  }

  addNode(node: ConversationNodeRecord): void {
    this.#assertOpen(node);
    this.#nodes.set(node.id, node);
    this.#schedule();
  }

  moveHead(head: ConversationHeadRecord): void {
    this.#assertOpen(head);
    this.#heads.set(JSON.stringify([head.agent, head.conversation, head.branch]), head);
    this.#schedule();
  }

  /** `settle` adds the answer a conversation waits for, when it is ready; it is called again at every flush. */
  wait(conversation: object, settle: () => void): void {
    this.#waiting.set(conversation, settle);
  }

  done(conversation: object): void {
    this.#waiting.delete(conversation);
  }

  /** A conversation as stored, including everything written so far in this run. */
  async load(agent: string, conversation: string): Promise<StoredConversation> {
    await this.flush();
    return this.#store.loadConversation(agent, conversation);
  }

  /** Add the answers that arrived, then commit everything queued. Throws if a commit failed. */
  async flush(): Promise<void> {
    for (const settle of [...this.#waiting.values()]) settle();
    await this.#commit();
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** The last flush of the run; a later change to a conversation is refused (it could not be stored). */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
  }

  #assertOpen(where: { readonly agent: string; readonly conversation: string }): void {
    if (!this.#closed) return;
    throw new InputError(
      `Conversation "${where.conversation}" of agent "${where.agent}" changed after the workspace closed, so the change could not be stored. Await every pllm.agent(...) and pllm.forEach(...) before closing the workspace.`,
    );
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      // A failure is kept and thrown by the next flush (at the latest, at close).
      this.#commit().catch(() => {});
    });
  }

  #commit(): Promise<void> {
    if (this.#nodes.size > 0 || this.#heads.size > 0) {
      const nodes = [...this.#nodes.values()];
      const heads = [...this.#heads.values()];
      this.#nodes = new Map();
      this.#heads = new Map();
      this.#committed = this.#committed.then(() =>
        this.#store.saveConversation(nodes, heads).catch((error: unknown) => {
          this.#failure ??= error;
        }),
      );
    }
    return this.#committed;
  }
}
