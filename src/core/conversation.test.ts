import { describe, expect, it } from "vitest";
import { assistantTurn } from "../documents/document.js";
import type { ConversationHeadRecord, ConversationNodeRecord, Store } from "../store/store.js";
import type { Agent } from "./agent.js";
import { Conversation } from "./conversation.js";
import { ConversationBook } from "./conversation-book.js";
import { InputError, NotAvailable } from "./errors.js";
import type { Message } from "./llm.js";

/** Conversation storage as the SQLite store keeps it: nodes by id (a node written again is the same node), heads by branch. */
class ConversationStore {
  readonly nodes = new Map<string, ConversationNodeRecord>();
  readonly heads = new Map<string, ConversationHeadRecord>();

  async saveConversation(nodes: readonly ConversationNodeRecord[], heads: readonly ConversationHeadRecord[]) {
    for (const node of nodes) if (!this.nodes.has(node.id)) this.nodes.set(node.id, node);
    for (const head of heads) this.heads.set(`${head.agent}/${head.conversation}/${head.branch}`, head);
  }

  async loadConversation(agent: string, conversation: string) {
    const mine = <T extends { agent: string; conversation: string }>(records: Iterable<T>) =>
      [...records].filter((record) => record.agent === agent && record.conversation === conversation);
    return { nodes: mine(this.nodes.values()), heads: mine(this.heads.values()) };
  }
}

type Status = "ready" | "pending" | "absent" | "failed";

/** A handle as the conversation sees it; the test decides when the answer is there. */
class Answer {
  readonly agent = "writer";
  readonly hash: string;
  readonly occurrence = 0;
  state: Status;
  readonly #text: string;
  readonly #arrived: Promise<void>;
  #arrive: () => void = () => {};

  constructor(text: string, state: Status) {
    this.#text = text;
    this.hash = `hash-of-${text}`;
    this.state = state;
    this.#arrived = new Promise((resolve) => {
      this.#arrive = resolve;
    });
  }

  status(): Status {
    return this.state;
  }

  result(): Promise<void> {
    return this.#arrived;
  }

  arrive(state: "ready" | "failed"): void {
    this.state = state;
    this.#arrive();
  }

  [assistantTurn](): Message {
    return { role: "assistant", content: [{ type: "text", text: this.#text }] };
  }
}

/** An agent whose asks are recorded and answered "answer 1", "answer 2"... in the state `next` says. */
class FakeAgent {
  readonly name = "writer";
  readonly asked: { documents: Message[]; options: unknown }[] = [];
  next: Status = "ready";

  ask(documents: Message[], options: unknown): Answer {
    this.asked.push({ documents, options });
    return new Answer(`answer ${this.asked.length}`, this.next);
  }
}

/** One run over `store`: a book and a fake agent. */
function run(store: ConversationStore, session = 1) {
  const agent = new FakeAgent();
  const book = new ConversationBook(store as unknown as Store, session);
  const conversation = (name = "chat", branch = "main") =>
    new Conversation(agent as unknown as Agent, book, name, branch, undefined);
  return { agent, book, conversation };
}

const texts = (conversation: Conversation) =>
  conversation.messages.map((message) =>
    message.content.map((part) => (part.type === "text" ? part.text : part.type)).join(""),
  );

describe("Conversation", () => {
  it("addresses each state by its content and the state before it, so a history rebuilt next run reuses every node", async () => {
    const store = new ConversationStore();
    const first = run(store, 1);
    const chat = first.conversation().append("Hello.");
    chat.ask("How are you?");
    await first.book.close();
    const ids = [...store.nodes.keys()];
    expect(ids).toHaveLength(3);

    const second = run(store, 2);
    const again = second.conversation().append("Hello.");
    again.ask("How are you?");
    await second.book.close();
    expect(again.id).toBe(chat.id);
    expect([...store.nodes.keys()]).toEqual(ids);
    // The nodes keep the session that first reached them.
    expect([...store.nodes.values()].map((node) => node.session)).toEqual([1, 1, 1]);
    // The same message after another state, in another conversation or of another agent, is another node.
    const other = run(store, 3);
    expect(other.conversation().append("How are you?").id).not.toBe(ids[1]);
    expect(other.conversation("other").append("Hello.").id).not.toBe(ids[0]);
    expect(other.conversation().append("Hello.").id).toBe(ids[0]);
  });

  it("asks with the whole branch and its options, and records the answer with the call it came from", async () => {
    const store = new ConversationStore();
    const { agent, book, conversation } = run(store);
    const chat = conversation();
    chat.append(["Hello.", "I have a question."]);
    chat.ask("What is 2 + 2?", { temperature: 0 });
    expect(agent.asked[0].options).toEqual({ temperature: 0 });
    expect(texts(chat)).toEqual(["Hello.I have a question.", "What is 2 + 2?", "answer 1"]);
    await book.close();
    const answer = [...store.nodes.values()].at(-1);
    expect(answer?.call).toEqual({ agent: "writer", hash: "hash-of-answer 1", occurrence: 0 });
    expect([...store.nodes.values()][0].call).toBeUndefined();
  });

  it("adds an answer in flight once it arrives, and refuses to go on before", async () => {
    const { agent, book, conversation } = run(new ConversationStore());
    const chat = conversation();
    agent.next = "pending";
    const answer = chat.ask("Slow question.") as unknown as Answer;
    expect(texts(chat)).toEqual(["Slow question."]);
    expect(() => chat.append("More.")).toThrow(/waiting for the answer to its last ask/);
    expect(() => chat.ask()).toThrow(InputError);
    expect(() => chat.fork()).toThrow(InputError);
    answer.arrive("ready");
    await answer.result();
    expect(texts(chat)).toEqual(["Slow question.", "answer 1"]);
    await book.close();
  });

  it("says an answer that is not back (a batch) is not available, and keeps the prompt of a failed ask to ask again", async () => {
    const { agent, book, conversation } = run(new ConversationStore());
    const chat = conversation();
    agent.next = "absent";
    chat.ask("Batched question.");
    expect(() => chat.append("More.")).toThrow(NotAvailable);

    const retried = conversation("retried");
    agent.next = "failed";
    retried.ask("Question.");
    agent.next = "ready";
    retried.ask();
    expect(agent.asked.at(-1)?.documents).toEqual(agent.asked.at(-2)?.documents);
    expect(texts(retried)).toEqual(["Question.", "answer 3"]);
    await book.close();
  });

  it("forks share the history; each branch moves its own head, and unnamed forks are numbered", async () => {
    const store = new ConversationStore();
    const { book, conversation } = run(store);
    const main = conversation().append("Shared start.");
    const polite = main.fork("polite").append("Be polite.");
    const first = main.fork();
    const second = main.fork();
    main.append("Main goes on.");
    expect([first.branch, second.branch]).toEqual(["main/1", "main/2"]);
    expect(first.id).toBe(second.id);
    expect(texts(polite)).toEqual(["Shared start.", "Be polite."]);
    expect(() => main.fork("main")).toThrow(/names the branch it forks from/);
    await book.close();
    const heads = Object.fromEntries([...store.heads.values()].map((head) => [head.branch, head.nodeId]));
    expect(heads).toEqual({ main: main.id, polite: polite.id, "main/1": first.id, "main/2": first.id });
    // Three nodes: the shared start, the polite turn, main's next turn.
    expect(store.nodes.size).toBe(3);
  });

  it("resume() moves to where an earlier run left the branch; history() and at(id) read every state", async () => {
    const store = new ConversationStore();
    const earlier = run(store, 1);
    const chat = earlier.conversation().append("One.");
    const start = chat.id;
    chat.append("Two.");
    chat.fork("side").append("Aside.");
    await earlier.book.close();

    const later = run(store, 2);
    const resumed = await later.conversation().resume();
    expect(texts(resumed)).toEqual(["One.", "Two."]);
    const fresh = await later.conversation("never-stored").resume();
    expect(fresh.messages).toEqual([]);

    const history = await resumed.history();
    expect(history.map((state) => [state.branches, state.session])).toEqual([
      [[], 1],
      [["main"], 1],
      [["side"], 1],
    ]);
    expect(history[1].parentId).toBe(start);

    const back = await resumed.at(start as string);
    expect(texts(back)).toEqual(["One."]);
    back.append("Another two.");
    await later.book.flush();
    expect((await later.conversation().resume()).id).toBe(back.id);
    await expect(resumed.at("no-such-state")).rejects.toThrow(/has no state "no-such-state"; pick an id from history/);
    await later.book.close();
  });

  it("refuses system messages, names that are not stable strings, and changes after the run closed", async () => {
    const { book, conversation } = run(new ConversationStore());
    expect(() => conversation().append({ role: "system", content: "Be brief." })).toThrow(/pass it as instructions/);
    expect(() => conversation("")).toThrow(/non-empty string that stays the same across runs/);
    expect(() => conversation("chat", "")).toThrow(InputError);
    const chat = conversation();
    await book.close();
    expect(() => chat.append("Too late.")).toThrow(/changed after the workspace closed/);
  });
});
