import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import type { ConversationHeadRecord, ConversationNodeRecord, Store } from "../store/store.js";
import { ConversationBook } from "./conversation-book.js";
import { InputError } from "./errors.js";

/** A store that records each commit; while `hold()` is in force, commits wait for `release()`. */
class RecordingStore {
  readonly commits: { nodes: string[]; heads: string[] }[] = [];
  failNext: Error | undefined;
  /** The most commits that were running at once. */
  mostAtOnce = 0;
  #running = 0;
  #gate: Promise<void> | undefined;
  #open: (() => void) | undefined;

  hold(): void {
    this.#gate = new Promise((resolve) => {
      this.#open = resolve;
    });
  }

  release(): void {
    this.#open?.();
    this.#gate = undefined;
  }

  async saveConversation(nodes: readonly ConversationNodeRecord[], heads: readonly ConversationHeadRecord[]) {
    this.mostAtOnce = Math.max(this.mostAtOnce, ++this.#running);
    try {
      await this.#gate;
      const failure = this.failNext;
      this.failNext = undefined;
      if (failure) throw failure;
      this.commits.push({
        nodes: nodes.map((node) => node.id),
        heads: heads.map((head) => `${head.branch}@${head.nodeId}`),
      });
    } finally {
      this.#running--;
    }
  }

  async loadConversation() {
    return { nodes: [], heads: [], commitsSoFar: this.commits.length };
  }
}

function open() {
  const store = new RecordingStore();
  return { store, book: new ConversationBook(store as unknown as Store, 7) };
}

const node = (id: string): ConversationNodeRecord => ({
  id,
  agent: "agent",
  conversation: "chat",
  parentId: undefined,
  message: "{}",
  call: undefined,
  session: 7,
  createdAt: 0,
});
const head = (branch: string, nodeId: string): ConversationHeadRecord => ({
  agent: "agent",
  conversation: "chat",
  branch,
  nodeId,
});

describe("ConversationBook", () => {
  it("commits what one turn of the event loop queued as one write, each branch at its last head", async () => {
    const { store, book } = open();
    book.addNode(node("a"));
    book.moveHead(head("main", "a"));
    book.addNode(node("b"));
    book.moveHead(head("main", "b"));
    book.moveHead(head("main/1", "a"));
    expect(store.commits).toEqual([]);
    await nextTurn();
    expect(store.commits).toEqual([{ nodes: ["a", "b"], heads: ["main@b", "main/1@a"] }]);
    book.addNode(node("c"));
    await nextTurn();
    expect(store.commits.at(-1)).toEqual({ nodes: ["c"], heads: [] });
  });

  it("commits one after the other, in the order queued, and flush waits for them all", async () => {
    const { store, book } = open();
    store.hold();
    book.addNode(node("a"));
    await nextTurn();
    book.addNode(node("b"));
    const flushed = book.flush();
    await nextTurn();
    expect(store.commits).toEqual([]);
    store.release();
    await flushed;
    expect(store.commits.map((commit) => commit.nodes)).toEqual([["a"], ["b"]]);
    expect(store.mostAtOnce).toBe(1);
  });

  it("settles the conversations waiting for an answer before each flush commits, until they are done", async () => {
    const { store, book } = open();
    const waiting = {};
    let settled = 0;
    book.wait(waiting, () => {
      settled++;
      book.addNode(node(`answer-${settled}`));
    });
    await book.flush();
    expect(store.commits).toEqual([{ nodes: ["answer-1"], heads: [] }]);
    book.done(waiting);
    await book.flush();
    expect(settled).toBe(1);
  });

  it("reads a conversation only after everything queued is committed", async () => {
    const { book } = open();
    book.addNode(node("a"));
    const loaded = (await book.load("agent", "chat")) as unknown as { commitsSoFar: number };
    expect(loaded.commitsSoFar).toBe(1);
  });

  it("keeps a failed commit and throws it at the next flush (so at the latest at close)", async () => {
    const { store, book } = open();
    store.failNext = new Error("disk full");
    book.addNode(node("a"));
    await nextTurn();
    await nextTurn();
    await expect(book.close()).rejects.toThrow("disk full");
  });

  it("refuses a change after close, naming the conversation: it could not be stored", async () => {
    const { store, book } = open();
    book.addNode(node("a"));
    await book.close();
    expect(store.commits).toHaveLength(1);
    expect(() => book.addNode(node("b"))).toThrow(InputError);
    expect(() => book.moveHead(head("main", "b"))).toThrow(
      /Conversation "chat" of agent "agent" changed after the workspace closed/,
    );
    expect(book.session).toBe(7);
  });
});
