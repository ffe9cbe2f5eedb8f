/**
 * Conversations end to end: Parallellm -> the official SDKs -> the fake
 * provider server, with a real SQLite store, across processes and runs.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ConversationState,
  InputError,
  type Message,
  Parallellm,
  type ParallellmOptions,
  ProviderRequestError,
} from "../src/index.js";
import { type FakeProviderServer, MockProvider, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

const child = new URL("./fixtures/conversation-child.ts", import.meta.url).pathname;
let server: FakeProviderServer;

beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());

interface ChildReport {
  readonly main: Message[];
  readonly polite?: Message[];
  readonly brief?: Message[];
  readonly history?: ConversationState[];
  readonly depths?: number[];
  readonly sent: number;
  readonly replayed: number;
}

/** Runs the fixture in a new process; returns its report and the requests the fake server received meanwhile. */
function runChild(directory: string, phase: "build" | "fork"): Promise<{ report: ChildReport; requests: number }> {
  const before = server.requests.length;
  return new Promise((resolve, reject) => {
    const process_ = spawn(process.execPath, ["--import", "tsx", child, directory, server.url, phase], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    process_.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    process_.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`the child exited with ${code}`));
      const report = JSON.parse(output.trim().split("\n").at(-1)!) as ChildReport;
      resolve({ report, requests: server.requests.length - before });
    });
  });
}

const textOf = (message: Message) => message.content.map((part) => (part.type === "text" ? part.text : "")).join("");

function nodeCount(directory: string): number {
  const db = new Database(join(directory, "store.sqlite"), { readonly: true });
  try {
    return (db.prepare("SELECT count(*) AS n FROM conversation_nodes").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe("conversations across processes", () => {
  it("is persisted, reloaded in a new process, forked twice; history shows every state; replay sends 0", async () => {
    const directory = tempWorkspace();

    const built = await runChild(directory, "build");
    expect(built.requests).toBe(2);
    expect(built.report.main.map((message) => message.role)).toEqual(["user", "assistant", "user", "assistant"]);

    const forked = await runChild(directory, "fork");
    expect(forked.requests).toBe(2);
    const { main, polite, brief, history, depths } = forked.report;
    expect(main).toEqual(built.report.main);
    expect(polite!.slice(0, 4)).toEqual(main);
    expect(brief!.slice(0, 4)).toEqual(main);
    expect(textOf(polite![4])).toBe("Apologise, very politely.");
    expect(textOf(brief![4])).toBe("Now answer in five words.");
    expect(polite![5].role).toBe("assistant");
    expect(textOf(polite![5])).not.toBe(textOf(brief![5]));

    // The fork's ask carried the whole history: four earlier turns and the new prompt.
    const lastBody = server.requests.at(-1)!.body as { input: { role?: string }[]; instructions: string };
    expect(lastBody.input.filter((item) => item.role).map((item) => item.role)).toEqual([
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
    ]);
    expect(lastBody.instructions).toBe("You answer customer tickets.");

    // Eight states: the shared prefix is stored once, each branch adds its two messages.
    expect(history).toHaveLength(8);
    expect(nodeCount(directory)).toBe(8);
    expect(depths).toEqual([1, 2, 3, 4, 5, 6, 5, 6]);
    expect(history!.map((state) => state.branches)).toEqual([[], [], [], ["main"], [], ["polite"], [], ["brief"]]);
    expect(history![4].parentId).toBe(history![3].id);
    expect(history![6].parentId).toBe(history![3].id);
    expect(history![0].parentId).toBeUndefined();

    const again = await runChild(directory, "fork");
    expect(again.requests).toBe(0);
    expect(again.report).toMatchObject({ sent: 0, replayed: 2 });
    expect(again.report.polite).toEqual(polite);
    expect(again.report.brief).toEqual(brief);

    const rebuilt = await runChild(directory, "build");
    expect(rebuilt.requests).toBe(0);
    expect(rebuilt.report.main).toEqual(main);
    expect(nodeCount(directory)).toBe(8);
  });
});

describe("conversations in batch mode", () => {
  const pipeline = (pllm: Parallellm) =>
    pllm.agent("planner", async (agent) => {
      const conversation = agent.conversation("trip");
      await conversation.ask("Plan a day in Oslo.").text();
      await conversation.ask("Add a museum.").text();
      const [cheap, rich] = [conversation.fork("cheap"), conversation.fork("rich")];
      const answers = [cheap.ask("Make it cheap."), rich.ask("Make it luxurious.")];
      await Promise.all(answers.map((answer) => answer.text()));
      return { cheap: cheap.messages, rich: rich.messages, history: (await conversation.history()).length };
    });

  it("halts on the answer that is not back and continues from there on the next run", async () => {
    const options: ParallellmOptions = { llm: "claude-sonnet-4-6", clients: server.clientsFor(), summary: false };
    const sync = await Parallellm.run(tempWorkspace("sync"), { ...options, strategy: "sync" }, pipeline);

    const directory = tempWorkspace("batch");
    const collected: number[] = [];
    let result: Awaited<ReturnType<typeof pipeline>>;
    for (;;) {
      const run = await Parallellm.run(directory, { ...options, strategy: "batch" }, pipeline);
      collected.push(run.summary.collected);
      result = run.result;
      if (result) break;
      expect(run.summary.halted).toBe(1);
    }
    // One round per turn; both forks are asked in the same round.
    expect(collected).toEqual([1, 1, 2, 0]);
    expect(result).toEqual(sync.result);
    expect(result.history).toBe(8);
    expect(nodeCount(directory)).toBe(8);
  });
});

describe("conversation rules", () => {
  const open = (mock: MockProvider, directory = tempWorkspace()) =>
    Parallellm.open(directory, { llm: "mock-1", providers: { mock }, summary: false });

  it("refuses to go on while an answer is in flight", async () => {
    const mock = new MockProvider({ latencyMs: 20 });
    const pllm = await open(mock);
    await pllm.agent("a", async (agent) => {
      const conversation = agent.conversation();
      const first = conversation.ask("One.");
      expect(conversation.messages).toHaveLength(1);
      expect(() => conversation.ask("Two.")).toThrow(/await it/);
      expect(() => conversation.fork()).toThrow(InputError);
      await first.text();
      expect(conversation.messages.map((message) => message.role)).toEqual(["user", "assistant"]);
    });
    await pllm.close();
  });

  it("keeps the prompt of a failed ask, so ask() without a prompt retries it", async () => {
    const mock = new MockProvider().failNext({ status: 400, message: "bad" });
    const pllm = await open(mock);
    await pllm.agent("a", async (agent) => {
      const conversation = agent.conversation();
      await expect(conversation.ask("Hello?").text()).rejects.toThrow(ProviderRequestError);
      expect(conversation.messages.map((message) => message.role)).toEqual(["user"]);
      await conversation.ask().text();
      expect(conversation.messages.map((message) => message.role)).toEqual(["user", "assistant"]);
    });
    await pllm.close();
    expect(mock.requestCount).toBe(2);
  });

  it("passes its defaults to every ask and refuses system messages", async () => {
    const mock = new MockProvider();
    const pllm = await open(mock);
    await pllm.agent("a", { instructions: "Agent rules." }, async (agent) => {
      const conversation = agent.conversation("c", { instructions: "Be brief.", temperature: 0 });
      await conversation.ask("Hi.").text();
      expect(() => conversation.append({ role: "system", content: "Be long." })).toThrow(/instructions/);
      expect(() => conversation.fork("main")).toThrow(/new name/);
      await expect(conversation.at("nope")).rejects.toThrow(/history\(\)/);
    });
    await pllm.close();
    expect(mock.requests[0]).toMatchObject({ instructions: "Agent rules.\n\nBe brief.", options: { temperature: 0 } });
  });

  it("at(id) reads an earlier state; continuing from it moves the branch, and resume() finds it next run", async () => {
    const directory = tempWorkspace();
    const mock = new MockProvider();
    let pllm = await open(mock, directory);
    const firstId = await pllm.agent("a", async (agent) => {
      const conversation = agent.conversation();
      await conversation.ask("First.").text();
      const id = conversation.id!;
      await conversation.ask("Second.").text();
      const earlier = await conversation.at(id);
      expect(earlier.messages).toHaveLength(2);
      expect(earlier.branch).toBe("main");
      expect((await conversation.history()).find((state) => state.id === id)!.branches).toEqual([]);
      await earlier.append("Instead.").ask().text();
      return id;
    });
    await pllm.close();

    pllm = await open(mock, directory);
    await pllm.agent("a", async (agent) => {
      const conversation = await agent.conversation().resume();
      expect(conversation.messages.map(textOf).slice(2, 3)).toEqual(["Instead."]);
      const history = await conversation.history();
      expect(history).toHaveLength(6);
      expect(history.filter((state) => state.parentId === firstId)).toHaveLength(2);
    });
    await pllm.close();
  });
});
