/**
 * A persisted, tree-shaped message history of one agent. Each message is a
 * node addressed by its content and its parent, so code that rebuilds a
 * history on every run reuses the stored nodes (and its asks replay), and a
 * fork shares its prefix instead of copying it.
 */
import { assistantTurn, type Document } from "../documents/document.js";
import { normalizeDocuments } from "../documents/normalize-documents.js";
import type { CallKey, StoredConversation } from "../store/store.js";
import type { Agent } from "./agent.js";
import type { AskOptions, CallDefaults } from "./call-options.js";
import { canonicalJson, sha256 } from "./canonical.js";
import type { ConversationBook } from "./conversation-book.js";
import { InputError, NotAvailable } from "./errors.js";
import type { Message } from "./llm.js";
import type { ResponseHandle } from "./response-handle.js";
import type { InferOutput, SchemaInput } from "./schema.js";

/** Options of `agent.conversation(name, options)`: the branch to work on and defaults for its asks. */
export interface ConversationOptions extends CallDefaults {
  /** The branch this object works on. @default "main" */
  readonly branch?: string | undefined;
}

/** One state of a conversation: the history up to and including `message`. */
export interface ConversationState {
  /** Pass it to `conversation.at(id)` to go back to this state. */
  readonly id: string;
  /** The state before; `undefined` for the first message. */
  readonly parentId: string | undefined;
  /** The message this state added. */
  readonly message: Message;
  /** Branches whose latest state this is. */
  readonly branches: readonly string[];
  /** The session (run) that first reached this state. */
  readonly session: number;
  readonly createdAt: number;
}

/** @internal a node of the in-memory path: a message and the state before it. */
export interface ConversationLink {
  readonly id: string;
  readonly parent: ConversationLink | undefined;
  readonly message: Message;
}

/**
 * One branch of a conversation, as `agent.conversation()` returns it. Reads
 * (`messages`, `id`) are synchronous; `resume`, `history` and `at` read the store.
 */
export class Conversation {
  /** The conversation's name within its agent. */
  readonly name: string;
  /** The branch this object reads and moves. */
  readonly branch: string;
  readonly #agent: Agent;
  readonly #book: ConversationBook;
  #head: ConversationLink | undefined;
  /** The ask whose answer is not in the history yet. */
  #awaiting: ResponseHandle | undefined;
  #forks = 0;

  /** @internal created by `agent.conversation()`; `agent` carries the conversation's defaults. */
  constructor(agent: Agent, book: ConversationBook, name: string, branch: string, head: ConversationLink | undefined) {
    checkName("name", name);
    checkName("branch", branch);
    this.#agent = agent;
    this.#book = book;
    this.name = name;
    this.branch = branch;
    this.#head = head;
  }

  /** The id of the current state (see `history()`); `undefined` while the conversation is empty. */
  get id(): string | undefined {
    this.#settle(false);
    return this.#head?.id;
  }

  /** The current branch as neutral messages, oldest first. An answer joins once it is ready. */
  get messages(): Message[] {
    this.#settle(false);
    const messages: Message[] = [];
    for (let link = this.#head; link; link = link.parent) messages.push(link.message);
    return messages.reverse();
  }

  /**
   * Add documents (a user message, an image, tool results, a response...) to the branch.
   * System text belongs in the `instructions` option instead.
   */
  append(documents: Document | readonly Document[]): this {
    this.#settle(true);
    const { messages, system } = normalizeDocuments(documents);
    if (system.length > 0) {
      throw new InputError(
        `Conversation "${this.name}" got a system message; pass it as instructions: agent.conversation("${this.name}", { instructions }).`,
      );
    }
    for (const message of messages) this.#push(message, undefined);
    return this;
  }

  /**
   * Append `prompt` (if any) and ask with the whole branch as documents. The answer is
   * appended once it is ready; await it before the next `append` or `ask`.
   * A stored answer is replayed, as for `agent.ask`.
   *
   * @example
   * const conv = agent.conversation("support");
   * console.log(await conv.ask("My order has not arrived.").text());
   * console.log(await conv.ask("It was order 1234.").text());
   */
  ask<S extends SchemaInput | undefined = undefined>(
    prompt?: Document | readonly Document[],
    options?: AskOptions<S>,
  ): ResponseHandle<S extends undefined ? unknown : InferOutput<S>> {
    if (prompt === undefined) this.#settle(true);
    else this.append(prompt);
    const handle = this.#agent.ask(this.messages, options);
    this.#awaiting = handle;
    if (handle.status() === "ready") {
      this.#settle(false);
    } else {
      // Added when it arrives, at the next use of the conversation, or at the latest at close.
      const settle = () => this.#settle(false);
      this.#book.wait(this, settle);
      // Only an answer in flight is awaited here: awaiting a collected one would halt or join a round.
      if (handle.status() === "pending") handle.result().then(settle, settle);
    }
    return handle;
  }

  /**
   * A new branch that starts at the current state and shares its history (nothing is copied).
   * Unnamed forks are called `<branch>/1`, `<branch>/2`... in the order they are made.
   */
  fork(branch?: string): Conversation {
    this.#settle(true);
    const name = branch ?? `${this.branch}/${++this.#forks}`;
    if (name === this.branch) throw new InputError(`fork("${name}") names the branch it forks from; pick a new name.`);
    const fork = new Conversation(this.#agent, this.#book, this.name, name, this.#head);
    fork.#moveHead();
    return fork;
  }

  /**
   * Move to the latest stored state of this branch: what an earlier run (or this one) left.
   * Use it to continue a conversation across runs, e.g. an interactive chat.
   */
  async resume(): Promise<this> {
    this.#settle(true);
    const stored = await this.#book.load(this.#agent.name, this.name);
    const head = stored.heads.find((candidate) => candidate.branch === this.branch);
    if (head) this.#head = pathTo(stored, head.nodeId);
    return this;
  }

  /** Every state this conversation has been in, on every branch and in every run, oldest first. */
  async history(): Promise<ConversationState[]> {
    const stored = await this.#book.load(this.#agent.name, this.name);
    return stored.nodes.map((node) => ({
      id: node.id,
      parentId: node.parentId,
      message: JSON.parse(node.message) as Message,
      branches: stored.heads.filter((head) => head.nodeId === node.id).map((head) => head.branch),
      session: node.session,
      createdAt: node.createdAt,
    }));
  }

  /**
   * This branch at an earlier (or any other) state, to read or to continue from there:
   * the branch moves when the returned conversation appends or asks. Later states stay in `history()`.
   */
  async at(id: string): Promise<Conversation> {
    const stored = await this.#book.load(this.#agent.name, this.name);
    if (!stored.nodes.some((node) => node.id === id)) {
      throw new InputError(
        `Conversation "${this.name}" of agent "${this.#agent.name}" has no state "${id}"; pick an id from history().`,
      );
    }
    return new Conversation(this.#agent, this.#book, this.name, this.branch, pathTo(stored, id));
  }

  #push(message: Message, call: CallKey | undefined): void {
    const parent = this.#head;
    const json = canonicalJson(message);
    const agent = this.#agent.name;
    const id = nodeId(agent, this.name, parent?.id, json);
    this.#head = { id, parent, message };
    this.#book.addNode({
      id,
      agent,
      conversation: this.name,
      parentId: parent?.id,
      message: json,
      call,
      session: this.#book.session,
      createdAt: Date.now(),
    });
    this.#moveHead();
  }

  #moveHead(): void {
    if (!this.#head) return;
    this.#book.moveHead({
      agent: this.#agent.name,
      conversation: this.name,
      branch: this.branch,
      nodeId: this.#head.id,
    });
  }

  /**
   * Add the awaited answer once it is ready (a failed ask leaves the prompt last, so
   * `ask()` retries it). `strict`: refuse to go on while the answer is not ready.
   */
  #settle(strict: boolean): void {
    const handle = this.#awaiting;
    if (!handle) return;
    const status = handle.status();
    if (status === "ready" || status === "failed") {
      this.#awaiting = undefined;
      this.#book.done(this);
      if (status === "ready") {
        this.#push(handle[assistantTurn](), {
          agent: handle.agent,
          hash: handle.hash,
          occurrence: handle.occurrence,
        });
      }
      return;
    }
    if (!strict) return;
    if (status === "absent") {
      throw new NotAvailable(`The last answer of conversation "${this.name}" is not available yet.`);
    }
    throw new InputError(
      `Conversation "${this.name}" is waiting for the answer to its last ask; await it (e.g. await answer.text()) before appending, asking or forking.`,
    );
  }
}

// --- internal ---

function checkName(what: string, value: unknown): void {
  if (typeof value === "string" && value.length > 0) return;
  throw new InputError(
    `A conversation ${what} must be a non-empty string that stays the same across runs, got ${String(value)}.`,
  );
}

/** Content address of a node: who it belongs to, the state before it, and the message. */
function nodeId(agent: string, conversation: string, parentId: string | undefined, messageJson: string): string {
  return sha256(`${JSON.stringify([agent, conversation, parentId ?? null])}${messageJson}`);
}

/** The path from the first message to the node `id`, from a stored conversation. */
function pathTo(stored: StoredConversation, id: string): ConversationLink | undefined {
  const byId = new Map(stored.nodes.map((node) => [node.id, node]));
  const ids: string[] = [];
  for (let node = byId.get(id); node; node = node.parentId === undefined ? undefined : byId.get(node.parentId)) {
    ids.push(node.id);
  }
  let link: ConversationLink | undefined;
  for (const nodeId of ids.reverse()) {
    link = { id: nodeId, parent: link, message: JSON.parse(byId.get(nodeId)!.message) as Message };
  }
  return link;
}
