import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { tournament } from "../examples/tournament-pipeline.js";
import { InputError, Parallellm, StoreError } from "../src/index.js";
import { MockProvider } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

const teams = ["Chiefs", "Bills", "Eagles", "49ers", "Ravens", "Lions", "Packers", "Cowboys"];

function tournamentMock(): MockProvider {
  return new MockProvider({ name: "openai", script: [{ match: /NFL teams/, reply: teams.join("\n") }] });
}

async function runTournament(directory: string, strategy: "sync" | "async") {
  const mock = tournamentMock();
  const pllm = await Parallellm.open(directory, {
    llm: "gpt-4.1-mini",
    strategy,
    providers: { openai: mock },
    summary: false,
  });
  const standings = await tournament(pllm);
  const summary = await pllm.close();
  return { standings, summary, sent: mock.requestCount };
}

describe("replay", () => {
  for (const strategy of ["sync", "async"] as const) {
    it(`replays the tournament with 0 sends in ${strategy} mode`, async () => {
      const directory = tempWorkspace();
      const first = await runTournament(directory, strategy);
      expect(first.sent).toBe(29);
      expect(first.standings?.games).toHaveLength(28);
      const second = await runTournament(directory, strategy);
      expect(second.sent).toBe(0);
      expect(second.summary.replayed).toBe(29);
      expect(second.standings).toEqual(first.standings);
      expect(second.summary.drift).toMatchObject({ judged: true, drifted: false, staleAnswers: 0, newCalls: 0 });
    });
  }

  it("stores the same prompt asked 3 times as 3 answers and replays them in order", async () => {
    const directory = tempWorkspace();
    let sample = 0;
    const run = async () => {
      const mock = new MockProvider({ script: [{ reply: () => `sample ${sample++}` }] });
      const pllm = await Parallellm.open(directory, { llm: "mock-1", providers: { mock }, summary: false });
      const texts = await pllm.agent("sampler", async (agent) => {
        const handles = [1, 2, 3].map(() => agent.ask("Pick a random number."));
        expect(handles.map((handle) => handle.occurrence)).toEqual([0, 1, 2]);
        return Promise.all(handles.map((handle) => handle.text()));
      });
      await pllm.close();
      return { texts, sent: mock.requestCount };
    };
    const first = await run();
    expect(new Set(first.texts).size).toBe(3);
    const second = await run();
    expect(second.sent).toBe(0);
    expect(second.texts).toEqual(first.texts);
  });

  it("replays two different asks in swapped order with 0 sends", async () => {
    const directory = tempWorkspace();
    const run = async (prompts: string[]) => {
      const mock = new MockProvider();
      const pllm = await Parallellm.open(directory, { llm: "mock-1", providers: { mock }, summary: false });
      const texts = await pllm.agent("a", (agent) => Promise.all(prompts.map((prompt) => agent.ask(prompt).text())));
      await pllm.close();
      return { texts, sent: mock.requestCount };
    };
    const first = await run(["first question", "second question"]);
    const second = await run(["second question", "first question"]);
    expect(second.sent).toBe(0);
    expect(second.texts).toEqual([...(first.texts ?? [])].reverse());
  });
});

describe("call identity", () => {
  async function hashOf(options: Record<string, unknown>, prompt = "Classify this.") {
    const directory = tempWorkspace();
    const pllm = await Parallellm.open(directory, {
      llm: "mock-1",
      providers: { mock: new MockProvider() },
      summary: false,
    });
    const hash = await pllm.agent("identity", (agent) => agent.ask(prompt, options).hash);
    await pllm.close();
    return hash;
  }

  it("changes with salt, hashBy, instructions, schema and model, and not otherwise", async () => {
    const base = await hashOf({});
    expect(await hashOf({})).toBe(base);
    const variants = [
      { salt: "run-2" },
      { hashBy: ["documents", "instructions"] },
      { instructions: "Be brief." },
      { schema: z.object({ label: z.string() }) },
      { llm: "mock-2" },
      { temperature: 0.5 },
    ];
    for (const variant of variants) expect(await hashOf(variant), JSON.stringify(variant)).not.toBe(base);
    expect(await hashOf({}, "Classify that.")).not.toBe(base);
  });

  it("does not depend on key order in objects", async () => {
    const first = await hashOf({ providerOptions: { a: 1, b: { c: 2, d: 3 } } });
    const second = await hashOf({ providerOptions: { b: { d: 3, c: 2 }, a: 1 } });
    expect(first).toBe(second);
  });

  it("lets hashBy without llm replay answers across models", async () => {
    const directory = tempWorkspace();
    const run = async (llm: string) => {
      const mock = new MockProvider();
      const pllm = await Parallellm.open(directory, { llm, providers: { mock }, summary: false });
      await pllm.agent("a", (agent) => agent.ask("Summarise.", { hashBy: ["documents", "instructions"] }).text());
      await pllm.close();
      return mock.requestCount;
    };
    expect(await run("mock-1")).toBe(1);
    expect(await run("mock-2")).toBe(0);
  });
});

describe("strategies", () => {
  it("sync sends one request at a time, in ask order", async () => {
    const mock = new MockProvider({ latencyMs: 5 });
    const pllm = await Parallellm.open(tempWorkspace(), {
      llm: "mock-1",
      strategy: "sync",
      providers: { mock },
      summary: false,
    });
    const prompts = Array.from({ length: 12 }, (_, index) => `question ${index}`);
    await pllm.agent("a", (agent) => Promise.all(prompts.map((prompt) => agent.ask(prompt).text())));
    await pllm.close();
    expect(mock.maxInFlight).toBe(1);
    expect(mock.requests.map((request) => request.messages[0].content[0])).toEqual(
      prompts.map((text) => ({ type: "text", text })),
    );
  });

  it("async reaches maxConcurrency and never exceeds it", async () => {
    const mock = new MockProvider({ latencyMs: 20 });
    const pllm = await Parallellm.open(tempWorkspace(), {
      llm: "mock-1",
      maxConcurrency: 7,
      providers: { mock },
      summary: false,
    });
    await pllm.forEach(
      Array.from({ length: 60 }, (_, index) => index),
      (index) => `item-${index}`,
      (index, agent) => agent.ask(`item ${index}`).text(),
    );
    await pllm.close();
    expect(mock.requestCount).toBe(60);
    expect(mock.maxInFlight).toBe(7);
  });
});

describe("caching options", () => {
  it("ignoreCache sends again but keeps the stored answer; rewriteCache replaces it", async () => {
    const directory = tempWorkspace();
    let version = 0;
    const run = async (options: { ignoreCache?: boolean; rewriteCache?: boolean }) => {
      const mock = new MockProvider({ script: [{ reply: () => `version ${version++}` }] });
      const pllm = await Parallellm.open(directory, { llm: "mock-1", providers: { mock }, summary: false });
      const text = await pllm.agent("a", (agent) => agent.ask("Which version?", options).text());
      await pllm.close();
      return { text, sent: mock.requestCount };
    };
    expect(await run({})).toEqual({ text: "version 0", sent: 1 });
    expect(await run({ ignoreCache: true })).toEqual({ text: "version 1", sent: 1 });
    expect(await run({})).toEqual({ text: "version 0", sent: 0 });
    expect(await run({ rewriteCache: true })).toEqual({ text: "version 2", sent: 1 });
    expect(await run({})).toEqual({ text: "version 2", sent: 0 });
  });
});

describe("drift", () => {
  async function run(directory: string, prompts: string[], strict = false) {
    const pllm = await Parallellm.open(directory, {
      llm: "mock-1",
      providers: { mock: new MockProvider() },
      summary: false,
      strict,
    });
    await pllm.agent("a", (agent) => Promise.all(prompts.map((prompt) => agent.ask(prompt).text())));
    return pllm.close();
  }

  it("reports stored answers not asked and new calls, and strict turns it into an error", async () => {
    const directory = tempWorkspace();
    const first = await run(directory, ["one", "two"]);
    expect(first.drift.drifted).toBe(false);
    const changed = await run(directory, ["one", "three"]);
    expect(changed.drift).toMatchObject({ judged: true, staleAnswers: 1, newCalls: 1, drifted: true });
    expect(changed.drift.staleAgents).toEqual(["a"]);
    await expect(run(directory, ["one", "four"], true)).rejects.toThrow(/Strict replay failed/);
  });

  it("counts a call added to a replayed run as drift, without stale answers", async () => {
    const directory = tempWorkspace();
    expect((await run(directory, ["one"])).drift.drifted).toBe(false);
    const grown = await run(directory, ["one", "two"]);
    expect(grown.drift).toMatchObject({ judged: true, staleAnswers: 0, newCalls: 1, drifted: true });
    expect((await run(directory, ["one", "two"])).drift).toMatchObject({ drifted: false, newCalls: 0 });
  });
});

describe("store", () => {
  it("stores the canonical request beside each answer and a document once however often it is used", async () => {
    const directory = tempWorkspace();
    const pllm = await Parallellm.open(directory, {
      llm: "mock-1",
      providers: { mock: new MockProvider() },
      summary: false,
    });
    const report = "quarterly report ".repeat(500);
    await pllm.agent("a", (agent) =>
      Promise.all(["Summarise.", "List risks.", "Name the author."].map((q) => agent.ask([report, q]).text())),
    );
    await pllm.close();
    const db = new Database(join(directory, "store.sqlite"), { readonly: true });
    const documents = db.prepare("SELECT size FROM documents").all();
    const requests = db.prepare("SELECT canonical FROM calls").all() as { canonical: string }[];
    db.close();
    expect(documents).toEqual([{ size: report.length }]);
    expect(requests).toHaveLength(3);
    for (const { canonical } of requests) {
      expect(JSON.parse(canonical).llm).toEqual({ provider: "mock", model: "mock-1" });
      expect(canonical).toContain('"$doc"');
    }
  });

  it("refuses a path that cannot be created", async () => {
    const directory = tempWorkspace();
    const blocker = `${directory}-file`;
    writeFileSync(blocker, "I am a file");
    await expect(Parallellm.open(join(blocker, "ws"), { summary: false })).rejects.toThrow(StoreError);
    await expect(Parallellm.open(join(blocker, "ws"), { summary: false })).rejects.toThrow(
      /Cannot create the workspace directory .* Choose a path you can write to/,
    );
  });

  it("refuses files that are not parallellm stores and leaves them untouched", async () => {
    const directory = tempWorkspace();
    const { mkdirSync } = await import("node:fs");
    mkdirSync(directory, { recursive: true });
    const path = join(directory, "store.sqlite");
    writeFileSync(path, "this is a text file, not a database ".repeat(100));
    const before = readFileSync(path);
    await expect(Parallellm.open(directory, { summary: false })).rejects.toThrow(/not a parallellm store/);
    expect(readFileSync(path).equals(before)).toBe(true);

    const other = new Database(path.replace("store", "other"));
    other.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
    other.close();
    const otherBefore = readFileSync(path.replace("store", "other"));
    const { SqliteStore } = await import("../src/store/sqlite/sqlite-store.js");
    expect(() => new SqliteStore(path.replace("store", "other"))).toThrow(/SQLite database but not a parallellm store/);
    expect(readFileSync(path.replace("store", "other")).equals(otherBefore)).toBe(true);
  });

  it("refuses a store written by a newer schema", async () => {
    const directory = tempWorkspace();
    await (await Parallellm.open(directory, { summary: false })).close();
    const db = new Database(join(directory, "store.sqlite"));
    db.pragma("user_version = 99");
    db.close();
    await expect(Parallellm.open(directory, { summary: false })).rejects.toThrow(/newer parallellm/);
  });
});

describe("asks and answers", () => {
  it("types and validates structured output with a zod schema", async () => {
    const mock = new MockProvider();
    const pllm = await Parallellm.open(tempWorkspace(), { llm: "mock-1", providers: { mock }, summary: false });
    const Person = z.object({ name: z.string(), age: z.number().int().min(0).max(120), tags: z.array(z.string()) });
    const person = await pllm.agent("p", async (agent) => {
      const handle = agent.ask("Invent a person.", { schema: Person });
      const value = await handle.value();
      const age: number = value.age;
      expect(age).toBeGreaterThanOrEqual(0);
      return value;
    });
    expect(Person.parse(person)).toEqual(person);
    expect(mock.requests[0].schema?.jsonSchema).toMatchObject({ type: "object", required: ["name", "age", "tags"] });
    await pllm.close();
  });

  it("raises InvalidOutputError with the raw text when the answer does not match", async () => {
    const mock = new MockProvider({ script: [{ reply: { json: { winner: 42 } } }] });
    const pllm = await Parallellm.open(tempWorkspace(), { llm: "mock-1", providers: { mock }, summary: false });
    await pllm.agent("p", async (agent) => {
      const handle = agent.ask("Who wins?", { schema: z.object({ winner: z.string() }) });
      await expect(handle.value()).rejects.toMatchObject({ name: "InvalidOutputError", rawText: '{"winner":42}' });
    });
    await pllm.close();
  });

  it("refuses an unknown model at ask with a message that says how to name the provider", async () => {
    const pllm = await Parallellm.open(tempWorkspace(), { summary: false });
    await expect(pllm.agent("a", (agent) => agent.ask("hi", { llm: "llama3" }))).rejects.toThrow(
      /Unknown model "llama3".*openai:llama3/,
    );
    await expect(pllm.agent("a", (agent) => agent.ask("hi"))).rejects.toThrow(InputError);
    await pllm.close();
  });

  it("records failures with onError: record and lets other agents finish", async () => {
    const directory = tempWorkspace();
    const mock = new MockProvider().failNext({ status: 400, message: "bad field", match: "broken" });
    const pllm = await Parallellm.open(directory, {
      llm: "mock-1",
      providers: { mock },
      onError: "record",
      summary: false,
    });
    const results = await pllm.forEach(
      ["fine", "broken", "also fine"],
      (x) => x,
      (x, agent) => agent.ask(x).text(),
    );
    const summary = await pllm.close();
    expect(results[1]).toBeUndefined();
    expect(results[0]).toMatch(/Mock answer/);
    expect(summary).toMatchObject({ failed: 1, failedAgents: 1, received: 2 });
    const db = new Database(join(directory, "store.sqlite"), { readonly: true });
    const failures = db.prepare("SELECT agent, status_code, message FROM failures").all();
    db.close();
    expect(failures).toEqual([{ agent: "broken", status_code: 400, message: "bad field" }]);
  });

  it("forEach over many items starts its workers in slices: results in item order, an early failure rejects it", async () => {
    const mock = new MockProvider({ latencyMs: 1 });
    const pllm = await Parallellm.open(tempWorkspace(), { llm: "mock-1", providers: { mock }, summary: false });
    const items = Array.from({ length: 300 }, (_, index) => index);
    const results = await pllm.forEach(
      items,
      (item) => `item-${item}`,
      async (item, agent) => `${item}: ${await agent.ask(`Item ${item}`).text()}`,
      { concurrency: 300 },
    );
    expect(results.map((result) => Number.parseInt(result ?? "", 10))).toEqual(items);
    // The second item's worker fails while later slices are still starting: forEach rejects
    // with its error, and it is never an unhandled rejection.
    const failing = pllm.forEach(
      items,
      (item) => `again-${item}`,
      async (item, agent) => {
        if (item === 1) throw new Error("item 1 is broken");
        return agent.ask(`Again ${item}`).text();
      },
      { concurrency: 300 },
    );
    await expect(failing).rejects.toThrow("item 1 is broken");
    await pllm.close();
  });

  it("throws provider errors at await naming the agent and the ask's location (onError: throw)", async () => {
    const mock = new MockProvider().failNext({ status: 400, message: "unknown parameter" });
    const pllm = await Parallellm.open(tempWorkspace(), { llm: "mock-1", providers: { mock }, summary: false });
    const error = await pllm.agent("judge", (agent) => agent.ask("x").text()).catch((caught) => caught);
    await pllm.close();
    expect(error.name).toBe("ProviderRequestError");
    expect(error.message).toMatch(
      /Agent "judge" \(ask at .*foundation\.test\.ts:\d+:\d+\).*HTTP 400: unknown parameter/,
    );
  });

  it("round-trips userdata: JSON, Dates, bytes, Maps and response handles", async () => {
    const directory = tempWorkspace();
    const first = await Parallellm.open(directory, {
      llm: "mock-1",
      providers: { mock: new MockProvider() },
      summary: false,
    });
    const handle = await first.agent("a", async (agent) => {
      const answer = agent.ask("Remember me.");
      await answer.text();
      return answer;
    });
    const value = {
      when: new Date("2026-01-02T03:04:05Z"),
      bytes: new Uint8Array([1, 2, 3]),
      map: new Map([["k", 1]]),
    };
    await first.save("state", { ...value, answer: handle, list: [1, "two", null] });
    await first.close();

    const second = await Parallellm.open(directory, { summary: false });
    const loaded = await second.load<Record<string, unknown>>("state");
    expect(loaded?.when).toEqual(value.when);
    expect(loaded?.bytes).toEqual(value.bytes);
    expect(loaded?.map).toEqual(value.map);
    expect(loaded?.list).toEqual([1, "two", null]);
    const hydrated = loaded?.answer as { status(): string; text(): Promise<string> };
    expect(hydrated.status()).toBe("ready");
    expect(await hydrated.text()).toMatch(/Mock answer to "Remember me."/);
    expect(await second.load("missing")).toBeUndefined();
    await second.close();
  });
});
