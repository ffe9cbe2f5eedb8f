/**
 * The read-only view of a workspace (`Parallellm.inspect`): workspaces made by
 * real pipelines (the official SDKs against the fake provider server, a real
 * SQLite store) read back exactly as stored, paged and filtered, without a
 * lock, a session, a write or a request.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  InputError,
  type LLMResult,
  Parallellm,
  type ParallellmOptions,
  StoreError,
  type WorkspaceReader,
} from "../src/index.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempDirectory, tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer();
  server.script({ match: "Weather in Oslo?", reply: { toolCalls: [{ name: "get_weather", args: { city: "Oslo" } }] } });
  server.script({ match: "Who wins?", reply: '{"winner":"Oslo","margin":3}' });
});
afterAll(() => server.close());
beforeEach(() => server.setBatchBehavior({}));

/**
 * The store is untouched: `store.sqlite` has the same bytes, and nothing else is new but
 * the empty write-ahead log and the shared-memory index SQLite makes for a reader of a
 * store no process has open (the next run removes them).
 */
function expectUntouched(directory: string, before: Map<string, string>): void {
  const after = files(directory);
  expect(after.get("store.sqlite")).toBe(before.get("store.sqlite"));
  for (const [name, digest] of after) {
    if (before.has(name)) expect(digest).toBe(before.get(name));
    else
      expect([name, readFileSync(join(directory, name)).length]).toEqual(
        name.endsWith("-wal") ? ["store.sqlite-wal", 0] : ["store.sqlite-shm", expect.any(Number)],
      );
  }
}

/** Every file of the workspace with a digest of its bytes, to prove nothing was touched. */
function files(directory: string): Map<string, string> {
  return new Map(
    readdirSync(directory).map((name) => [
      name,
      createHash("sha256")
        .update(readFileSync(join(directory, name)))
        .digest("hex"),
    ]),
  );
}

const longDocument = `A report. ${"The harbour was busy all week. ".repeat(100)}Signed: Ingrid.`;
const tools = {
  get_weather: { description: "The weather in a city.", parameters: z.object({ city: z.string() }) },
};

/** The pipeline of the sync workspace: a text, a long document, a tool call and a structured answer. */
async function syncPipeline(pllm: Parallellm): Promise<Record<string, LLMResult>> {
  const results: Record<string, LLMResult> = {};
  await pllm.agent("text", async (agent) => {
    results["text"] = await agent.ask("Say hello.").result();
    results["again"] = await agent.ask("Say hello.").result();
  });
  await pllm.agent("document", async (agent) => {
    results["document"] = await agent.ask([`Summarise: ${longDocument}`], { instructions: "Be brief." }).result();
  });
  await pllm.agent("tool", async (agent) => {
    results["tool"] = await agent.ask("Weather in Oslo?", { tools }).result();
  });
  await pllm.agent("structured", async (agent) => {
    const schema = z.object({ winner: z.string(), margin: z.number() });
    results["structured"] = await agent.ask("Who wins?", { schema }).result();
  });
  return results;
}

const syncOptions = (): ParallellmOptions => ({
  llm: "gpt-4.1-mini",
  strategy: "sync",
  clients: server.clientsFor(),
  summary: false,
});

async function inspect(directory: string, check: (reader: WorkspaceReader) => Promise<void>): Promise<void> {
  const reader = await Parallellm.inspect(directory);
  try {
    await check(reader);
  } finally {
    await reader.close();
  }
}

describe("a workspace made by a sync run", () => {
  it("reads every answer back exactly as received and as a rerun replays it; requests with their documents", async () => {
    const directory = tempWorkspace();
    const received = (await Parallellm.run(directory, syncOptions(), syncPipeline)).result;
    const rerun = await Parallellm.run(directory, syncOptions(), syncPipeline);
    expect(rerun.summary).toMatchObject({ replayed: 5, sent: 0 });
    expect(rerun.result).toEqual(received);

    await inspect(directory, async (reader) => {
      const { calls } = await reader.calls();
      expect(calls.map((call) => [call.agent, call.occurrence, call.status])).toEqual([
        ["document", 0, "answered"],
        ["structured", 0, "answered"],
        ["text", 0, "answered"],
        ["text", 1, "answered"],
        ["tool", 0, "answered"],
      ]);
      const byName: Record<string, [string, number]> = {
        text: ["text", 0],
        again: ["text", 1],
        document: ["document", 0],
        tool: ["tool", 0],
        structured: ["structured", 0],
      };
      for (const [name, [agent, occurrence]] of Object.entries(byName)) {
        const listed = calls.find((call) => call.agent === agent && call.occurrence === occurrence)!;
        const detail = (await reader.call(listed.id!))!;
        expect(detail.answer).toEqual(received[name]);
        expect(detail.answers).toEqual([
          { session: 1, receivedAt: listed.receivedAt, viaBatch: false, inUse: true, result: received[name] },
        ]);
        expect(detail).toMatchObject({
          provider: "openai",
          model: "gpt-4.1-mini",
          session: 1,
          text: received[name]!.text,
        });
        expect(detail.inputTokens).toBe(received[name]!.usage.inputTokens);
        expect(detail.attempts).toEqual([]);
        expect(detail.batches).toEqual([]);
        expect(await reader.call({ agent, hash: listed.hash, occurrence })).toEqual(detail);
      }
      const document = (await reader.call(calls[0].id!))!;
      expect(document.canonical).toMatch(/\{"\$doc":"[\w-]{43}"\}/);
      expect(Object.values(document.documents)).toEqual([`Summarise: ${longDocument}`]);
      expect(JSON.stringify(document.request)).toContain(JSON.stringify(`Summarise: ${longDocument}`));
      expect(JSON.stringify(document.request)).toContain("Be brief.");
      expect((await reader.call(calls[4].id!))!.answer!.toolCalls).toMatchObject([
        { name: "get_weather", args: { city: "Oslo" } },
      ]);
      expect(JSON.parse((await reader.call(calls[1].id!))!.answer!.text)).toEqual({ winner: "Oslo", margin: 3 });

      const sessions = await reader.sessions();
      expect(sessions.map((session) => [session.id, session.strategy, session.answers, session.failures])).toEqual([
        [1, "sync", 5, 0],
        [2, "sync", 0, 0],
      ]);
      expect(sessions[1].summary).toMatchObject({ session: 2, replayed: 5, complete: true });
      expect(await reader.call(9999)).toBeUndefined();
      expect(await reader.call({ agent: "text", hash: calls[2].hash, occurrence: 7 })).toBeUndefined();
    });
  });

  it("filters by agent, status, provider, model, session and text; pages by keyset; refuses bad filters", async () => {
    const directory = tempWorkspace();
    await Parallellm.run(directory, syncOptions(), syncPipeline);
    await Parallellm.run(directory, { ...syncOptions(), llm: "claude-sonnet-4-6" }, (pllm) =>
      pllm.forEach(
        ["x", "y", "z"],
        (name) => `extra-${name}`,
        (name, agent) => agent.ask(`Spell ${name}.`).text(),
      ),
    );
    await inspect(directory, async (reader) => {
      const names = async (filter: Parameters<WorkspaceReader["calls"]>[0]) =>
        (await reader.calls(filter)).calls.map((call) => `${call.agent}#${call.occurrence}`);
      expect(await names({ agent: "text" })).toEqual(["text#0", "text#1"]);
      // A glob (SQLite GLOB: case-sensitive, `*`, `?`, `[...]`); a name without glob characters matches exactly.
      expect(await names({ agent: "extra-*" })).toEqual(["extra-x#0", "extra-y#0", "extra-z#0"]);
      expect(await names({ agent: "extra-?" })).toHaveLength(3);
      expect(await names({ agent: "t*" })).toEqual(["text#0", "text#1", "tool#0"]);
      expect(await names({ agent: "[st]*", provider: "openai" })).toEqual([
        "structured#0",
        "text#0",
        "text#1",
        "tool#0",
      ]);
      expect(await names({ agent: "tex" })).toEqual([]);
      expect(await names({ agent: "T*" })).toEqual([]);
      const [first] = (await reader.calls({ agent: "text" })).calls;
      expect(await names({ hash: first.hash.slice(0, 6) })).toEqual(["text#0", "text#1"]);
      expect(await names({ hash: first.hash })).toEqual(["text#0", "text#1"]);
      await expect(reader.calls({ hash: "ab*" })).rejects.toThrow(
        new InputError(
          'calls({ hash }) takes a request hash or its first characters (letters, digits, - and _), got "ab*".',
        ),
      );
      expect(await names({ provider: "anthropic" })).toEqual(["extra-x#0", "extra-y#0", "extra-z#0"]);
      expect(await names({ model: "claude-sonnet-4-6", session: 2 })).toEqual(["extra-x#0", "extra-y#0", "extra-z#0"]);
      expect(await names({ session: 1, status: "answered" })).toHaveLength(5);
      expect(await names({ status: "failed" })).toEqual([]);
      expect(await names({ search: "spell Y" })).toEqual(["extra-y#0"]);
      // Documents stored apart are not searched.
      expect(await names({ search: "signed: ingrid" })).toEqual([]);
      expect(await names({ search: "Be brief" })).toEqual(["document#0"]);
      expect(await names({ search: "100%_" })).toEqual([]);

      const all = await names({ limit: 100 });
      expect(all).toHaveLength(8);
      const paged: string[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await reader.calls({ limit: 3, after });
        paged.push(...page.calls.map((call) => `${call.agent}#${call.occurrence}`));
        after = page.next;
        pages++;
      } while (after !== undefined);
      expect(paged).toEqual(all);
      expect(pages).toBe(3);
      const iterated: string[] = [];
      for await (const call of reader.eachCall({ pageSize: 2, provider: "openai" })) iterated.push(call.agent);
      expect(iterated).toEqual(["document", "structured", "text", "text", "tool"]);

      await expect(reader.calls({ status: "done" as never })).rejects.toThrow(
        new InputError('calls({ status }) takes one of "answered", "pending", "failed", "unanswered", got "done".'),
      );
      await expect(reader.calls({ limit: 0 })).rejects.toThrow(InputError);
      await expect(reader.calls({ after: "not a cursor" })).rejects.toThrow(/takes the `next` of a page/);
      await expect(reader.calls({ session: 0 })).rejects.toThrow(InputError);
      await expect(reader.progress(99)).rejects.toThrow(/has no session 99/);
      await expect(reader.call("text" as never)).rejects.toThrow(
        new InputError(
          'call() takes a call\'s id (a whole number, as calls() lists it) or its { agent, hash, occurrence }, got "text".',
        ),
      );
      await expect(reader.call({ agent: "text" } as never)).rejects.toThrow(InputError);
    });
  });
});

describe("no lock, no session, no write, no request", () => {
  it("reads while Parallellm.open holds the workspace, and Parallellm.open works while a reader is open", async () => {
    const directory = tempWorkspace();
    await Parallellm.run(directory, syncOptions(), syncPipeline);
    const reader = await Parallellm.inspect(directory);
    try {
      // The writer opens (and takes the lock) while the reader is open, and the reader reads during its run.
      const pllm = await Parallellm.open(directory, syncOptions());
      await pllm.agent("later", (agent) => agent.ask("One more.").text());
      expect((await reader.calls({ agent: "later" })).calls.map((call) => call.status)).toEqual(["answered"]);
      const during = await Parallellm.inspect(directory);
      expect((await during.sessions()).map((session) => session.endedAt === undefined)).toEqual([false, true]);
      await during.close();
      await pllm.close();
    } finally {
      await reader.close();
    }
  });

  it("leaves every byte of the workspace as it was, adds no session and sends no request", async () => {
    const directory = tempWorkspace();
    await Parallellm.run(directory, syncOptions(), syncPipeline);
    const before = files(directory);
    const requests = server.requests.length;
    await inspect(directory, async (reader) => {
      const { calls } = await reader.calls();
      for (const call of calls) await reader.call(call.id!);
      await reader.sessions();
      await reader.batches();
      await reader.failures();
      await reader.conversations();
      await reader.usage();
      await reader.cost();
      await reader.progress();
    });
    await using again = await Parallellm.inspect(directory);
    expect(await again.sessions()).toHaveLength(1);
    expect(server.requests.length).toBe(requests);
    expectUntouched(directory, before);
  });
});

describe("workspaces it refuses", () => {
  it("a missing workspace, a file that is not a store, a newer and an older schema: a clear error, nothing made", async () => {
    const missing = tempWorkspace();
    await expect(Parallellm.inspect(missing)).rejects.toThrow(
      new InputError(
        `There is no workspace at ${missing} (no store.sqlite there). Check the path, or run a pipeline there first.`,
      ),
    );
    expect(readdirSync(join(missing, ".."))).toEqual([]);

    const notAStore = tempDirectory();
    writeFileSync(join(notAStore, "store.sqlite"), "hello\n".repeat(1000));
    await expect(Parallellm.inspect(notAStore)).rejects.toThrow(
      new StoreError(
        `${join(notAStore, "store.sqlite")} is not a parallellm store (not a SQLite database); it was left untouched.`,
      ),
    );
    const other = tempDirectory();
    const db = new Database(join(other, "store.sqlite"));
    db.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
    db.close();
    await expect(Parallellm.inspect(other)).rejects.toThrow(/is not a parallellm store; it was left untouched/);

    for (const [version, message] of [
      [99, /written by a newer parallellm \(schema 99; this version knows \d+\)\. Upgrade parallellm/],
      [3, /written by an older parallellm \(schema 3; this version reads \d+\)\. Upgrade it with pllm migrate/],
    ] as const) {
      const directory = tempWorkspace();
      await Parallellm.run(directory, syncOptions(), (pllm) => pllm.agent("a", (agent) => agent.ask("Hi.").text()));
      const store = new Database(join(directory, "store.sqlite"));
      store.pragma(`user_version = ${version}`);
      store.close();
      const before = files(directory);
      await expect(Parallellm.inspect(directory)).rejects.toThrow(message);
      expectUntouched(directory, before);
    }
    await expect(Parallellm.inspect("")).rejects.toThrow(InputError);
    await expect(Parallellm.inspect(missing, { price: {} } as never)).rejects.toThrow(
      'Parallellm.inspect does not take "price"; it takes prices and pricesFile.',
    );
  });
});
