/**
 * The batch strategy end to end: Parallellm -> official SDKs -> the fake
 * provider server's batch endpoints, with a real SQLite store.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { tournament } from "../examples/tournament-pipeline.js";
import { type LLM, Parallellm, type ParallellmOptions } from "../src/index.js";
import { createAnthropicProvider } from "../src/providers/anthropic/index.js";
import { createOpenAIProvider } from "../src/providers/openai/index.js";
import { createMemoryStore, type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { crashAfterCreate } from "./crash-after-create.js";
import { openaiChat, tempWorkspace } from "./helpers.js";

const teams = ["Chiefs", "Bills", "Eagles", "49ers", "Ravens", "Lions", "Packers", "Cowboys"];
let server: FakeProviderServer;

beforeAll(async () => {
  server = await startFakeProviderServer();
  server.script({ match: /NFL teams/, reply: teams.join("\n") });
});
afterAll(() => server.close());
beforeEach(() => server.setBatchBehavior({}));

async function runOnce(directory: string, options: ParallellmOptions) {
  // A provider the test registers brings its own client.
  const registered = options.providers ?? {};
  const clients = Object.fromEntries(Object.entries(server.clientsFor()).filter(([name]) => !(name in registered)));
  const pllm = await Parallellm.open(directory, {
    clients,
    providers: openaiChat(server),
    summary: false,
    ...options,
  });
  const standings = await tournament(pllm);
  const summary = await pllm.close();
  return { standings, summary };
}

const providers: { name: string; llm: LLM; provider: "openai" | "anthropic" | "google" }[] = [
  { name: "openai", llm: "gpt-4.1-mini", provider: "openai" },
  { name: "openai (chat)", llm: "openai-chat:gpt-4.1-mini", provider: "openai" },
  { name: "anthropic", llm: "claude-sonnet-4-6", provider: "anthropic" },
  { name: "google", llm: "gemini-2.5-flash", provider: "google" },
];

describe("tournament in batch mode", () => {
  for (const { name, llm, provider } of providers) {
    it(`${name}: converges in 3 runs to exactly the sync result`, async () => {
      const expected = (await runOnce(tempWorkspace("sync"), { llm, strategy: "sync" })).standings;
      const directory = tempWorkspace("batch");
      const before = server.batchesOf(provider).length;

      const first = await runOnce(directory, { llm, strategy: "batch" });
      expect(first.standings).toBeUndefined();
      expect(first.summary).toMatchObject({ collected: 1, sent: 0, halted: 1 });
      expect(first.summary.batches.submitted).toHaveLength(1);
      expect(first.summary.batches.submitted[0].providerBatchId).toMatch(/\S/);

      const second = await runOnce(directory, { llm, strategy: "batch" });
      expect(second.standings).toBeUndefined();
      expect(second.summary.batches).toMatchObject({ ingested: 1, ingestedAnswers: 1 });
      expect(second.summary).toMatchObject({ replayed: 1, collected: 28, sent: 0 });

      const third = await runOnce(directory, { llm, strategy: "batch" });
      expect(third.standings).toEqual(expected);
      expect(third.summary).toMatchObject({ replayed: 29, collected: 0, sent: 0 });
      expect(third.summary.batches.submitted).toHaveLength(0);
      expect(server.batchesOf(provider).length - before).toBe(2);

      const archived = readdirSync(join(directory, "batches")).sort();
      expect(archived.filter((file) => file.endsWith(".input.jsonl"))).toHaveLength(2);
      expect(archived.filter((file) => file.endsWith(".output.jsonl"))).toHaveLength(2);
    });
  }

  it("mixed providers: one batch per provider and model, same result as sync", async () => {
    const models = ["gpt-4.1-mini", "claude-sonnet-4-6", "gemini-2.5-flash"];
    const mixed = async (pllm: Parallellm) => {
      const verdicts = await pllm.forEach(
        models,
        (model) => `judge/${model}`,
        async (model, agent) => {
          const verdict = agent.ask("Who wins, Chiefs or Bills?", {
            llm: model,
            schema: z.object({ winner: z.enum(["Chiefs", "Bills"]) }),
          });
          return (await verdict.value()).winner;
        },
      );
      return verdicts.includes(undefined) ? undefined : verdicts;
    };
    const sync = await Parallellm.run(
      tempWorkspace("sync"),
      { strategy: "sync", clients: server.clientsFor(), summary: false },
      mixed,
    );
    const directory = tempWorkspace("mixed");
    const first = await Parallellm.run(
      directory,
      { strategy: "batch", clients: server.clientsFor(), summary: false },
      mixed,
    );
    expect(first.result).toBeUndefined();
    expect(first.summary.batches.submitted.map((batch) => `${batch.provider}/${batch.model}`).sort()).toEqual([
      "anthropic/claude-sonnet-4-6",
      "google/gemini-2.5-flash",
      "openai/gpt-4.1-mini",
    ]);
    const second = await Parallellm.run(
      directory,
      { strategy: "batch", clients: server.clientsFor(), summary: false },
      mixed,
    );
    expect(second.result).toEqual(sync.result);
  });
});

describe("batch lifecycle", () => {
  for (const { name, llm, provider } of providers.filter((target) => target.name !== "openai (chat)")) {
    it(`${name}: a finished batch is fetched once: its status read serves its results`, async () => {
      const directory = tempWorkspace();
      const pipeline = (pllm: Parallellm) =>
        pllm.forEach(
          ["a", "b"],
          (name) => name,
          (name, agent) => agent.ask(`Spell ${name}`).text(),
        );
      const options: ParallellmOptions = { llm, strategy: "batch", clients: server.clientsFor(), summary: false };
      const first = await Parallellm.run(directory, options, pipeline);
      const id = first.summary.batches.submitted[0].providerBatchId!;
      server.resetLog();
      const second = await Parallellm.run(directory, options, pipeline);
      expect(second.result).toEqual([expect.stringMatching(/\S/), expect.stringMatching(/\S/)]);
      const reads = server.requests.filter(
        (request) => request.method === "GET" && request.path.split("?")[0].endsWith(`/${id}`),
      );
      expect(reads).toHaveLength(1);
      expect(reads[0].provider).toBe(provider);
    });
  }

  it("status() is pending while the batch runs, and awaiting halts only that agent", async () => {
    server.setBatchBehavior({ completeAfterPolls: 1 });
    const directory = tempWorkspace();
    const options: ParallellmOptions = { llm: "gpt-4.1-mini", strategy: "batch" };
    const ask = (pllm: Parallellm) =>
      pllm.forEach(
        ["a", "b"],
        (name) => name,
        async (name, agent) => {
          const handle = agent.ask(`Question ${name}`);
          if (name === "b") return handle.status();
          return handle.text();
        },
      );
    const open = () => Parallellm.open(directory, { clients: server.clientsFor(), summary: false, ...options });
    let pllm = await open();
    expect(await ask(pllm)).toEqual([undefined, "absent"]);
    await pllm.close();
    pllm = await open(); // first poll: still in progress
    expect(await ask(pllm)).toEqual([undefined, "pending"]);
    expect((await pllm.close()).batches.pending).toBe(1);
    pllm = await open();
    const results = await ask(pllm);
    expect(results[0]).toMatch(/\S/);
    expect(results[1]).toBe("ready");
    await pllm.close();
  });

  it("Parallellm.run with untilDone does every run in one process", async () => {
    server.setBatchBehavior({ completeAfterPolls: 2 });
    const waits: number[] = [];
    const { result, runs, summary } = await Parallellm.run(
      tempWorkspace(),
      { llm: "claude-sonnet-4-6", strategy: "batch", clients: server.clientsFor(), summary: false },
      tournament,
      { untilDone: true, pollInterval: 5, onWait: (_, ms) => waits.push(ms) },
    );
    expect(result?.champion).toMatch(/\S/);
    expect(summary.replayed).toBe(29);
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(waits.length).toBe(runs - 1);
  });

  it("reconciles a crash between batch create and record: exactly one batch exists", async () => {
    const directory = tempWorkspace();
    const before = server.batchesOf("openai").length;
    const crash = new Error("simulated crash after create");
    await expect(
      runOnce(directory, {
        llm: "gpt-4.1-mini",
        strategy: "batch",
        providers: { openai: crashAfterCreate(createOpenAIProvider({ client: server.clientsFor().openai }), crash) },
      }),
    ).resolves.toMatchObject({ summary: { batches: { submitted: [{ error: crash.message }] } } });
    const db = new Database(join(directory, "store.sqlite"), { readonly: true });
    expect(db.prepare("SELECT state, provider_batch_id FROM batches").all()).toEqual([
      { state: "submitting", provider_batch_id: null },
    ]);
    db.close();
    const second = await runOnce(directory, { llm: "gpt-4.1-mini", strategy: "batch" });
    expect(second.summary.batches.ingested).toBe(1);
    expect(second.summary.replayed).toBe(1);
    expect(server.batchesOf("openai").length - before).toBe(2); // the teams batch once, then the games
  });

  /**
   * A crash between create and record of the teams batch (Anthropic, which keeps no tag),
   * then `foreign` other submissions of the same size, made later but, for the first, at
   * the time the intent recorded (a skewed clock): reconciling, which can only match on
   * time and size, picks that one first, then the one created nearest it.
   */
  async function crashAmongSameSizeBatches(foreign: number) {
    const directory = tempWorkspace();
    const llm = "claude-sonnet-4-6";
    const crash = new Error("simulated crash after create");
    const anthropic = crashAfterCreate(createAnthropicProvider({ client: server.clientsFor().anthropic }), crash);
    const first = await runOnce(directory, { llm, strategy: "batch", providers: { anthropic } });
    expect(first.summary.batches.submitted).toMatchObject([{ error: crash.message }]);
    const created: number[] = [];
    for (let index = 0; index < foreign; index++) {
      await new Promise((resolve) => setTimeout(resolve, index === 0 ? 100 : 20));
      const batch = await server.clientsFor().anthropic.messages.batches.create({
        requests: [
          {
            custom_id: `theirs-${index}`,
            params: { model: llm, max_tokens: 64, messages: [{ role: "user", content: "Hi" }] },
          },
        ],
      });
      created.push(Date.parse(batch.created_at));
    }
    const db = new Database(join(directory, "store.sqlite"));
    db.prepare("UPDATE batches SET created_at = ?").run(created[0]);
    db.close();
    return { directory, run: () => runOnce(directory, { llm, strategy: "batch" }) };
  }

  it("anthropic: a batch matched by mistake when reconciling (another's, same size) is set aside; its own is found", async () => {
    const before = server.batchesOf("anthropic").length;
    const { directory, run } = await crashAmongSameSizeBatches(1);
    const second = await run();
    expect(second.summary.batches.warnings.join("\n")).toMatch(/holds none of its calls.*looks for its own batch/);
    // Nothing of the foreign batch is stored, and the teams call is not collected again: its batch exists.
    expect(second.summary).toMatchObject({ replayed: 0, collected: 0, inPendingBatches: 1 });
    // Nor is it kept in the archive as the teams batch's output.
    const archived = readdirSync(join(directory, "batches")).map((file) =>
      readFileSync(join(directory, "batches", file), "utf8"),
    );
    expect(archived.join("\n")).not.toContain("theirs-0");

    const third = await run();
    expect(third.summary.batches).toMatchObject({ ingested: 1, ingestedAnswers: 1 });
    expect(third.summary).toMatchObject({ replayed: 1, collected: 28 });
    // The teams batch once (never resubmitted), the foreign one, then the games.
    expect(server.batchesOf("anthropic").length - before).toBe(3);
  });

  it("anthropic: after a second wrong match the intent's calls are collected again, not looked for run after run", async () => {
    const { run } = await crashAmongSameSizeBatches(2);
    expect((await run()).summary).toMatchObject({ collected: 0, inPendingBatches: 1 });
    const third = await run();
    expect(third.summary.batches.warnings.join("\n")).toMatch(
      /its own batch was not found, so its calls are collected again/,
    );
    expect(third.summary).toMatchObject({ replayed: 0, collected: 1, inPendingBatches: 0 });
    expect(third.summary.batches.submitted).toHaveLength(1);
  });

  it("an expired batch: what finished is ingested, the rest is collected again", async () => {
    server.setBatchBehavior({ outcome: "expired", finishedBeforeEnd: 2 });
    const directory = tempWorkspace();
    const pipeline = (pllm: Parallellm) =>
      pllm.forEach(
        [1, 2, 3, 4, 5],
        (n) => `n${n}`,
        (n, agent) => agent.ask(`Square ${n}`).text(),
      );
    const options = { llm: "gpt-4.1-mini", strategy: "batch", clients: server.clientsFor(), summary: false } as const;
    await Parallellm.run(directory, options, pipeline);
    const second = await Parallellm.run(directory, options, pipeline); // polls: the batch has expired
    expect(second.summary.batches.ingestedAnswers).toBe(2);
    expect(second.summary).toMatchObject({ replayed: 2, collected: 3 });
    server.setBatchBehavior({});
    const third = await Parallellm.run(directory, options, pipeline);
    expect(third.result.every((text) => typeof text === "string")).toBe(true);
  });

  it("a per-request error is recorded as a failure and retried on the next run", async () => {
    server.setBatchBehavior({ failRequest: (context) => (context.prompt === "Square 3" ? 500 : undefined) });
    const directory = tempWorkspace();
    const pipeline = (pllm: Parallellm) =>
      pllm.forEach(
        [1, 2, 3],
        (n) => `n${n}`,
        (n, agent) => agent.ask(`Square ${n}`).text(),
      );
    const options = {
      llm: "claude-sonnet-4-6",
      strategy: "batch",
      clients: server.clientsFor(),
      summary: false,
    } as const;
    await Parallellm.run(directory, options, pipeline);
    server.setBatchBehavior({});
    const second = await Parallellm.run(directory, options, pipeline);
    expect(second.summary).toMatchObject({ replayed: 2, collected: 1 });
    const db = new Database(join(directory, "store.sqlite"), { readonly: true });
    expect(db.prepare("SELECT agent, status_code FROM failures").all()).toEqual([{ agent: "n3", status_code: 500 }]);
    db.close();
    const third = await Parallellm.run(directory, options, pipeline);
    expect(third.result).toHaveLength(3);
    expect(third.result.every((text) => typeof text === "string")).toBe(true);
  });

  it("splits by count and by bytes (overridden limits), all answers come back", async () => {
    const directory = tempWorkspace();
    const pipeline = (pllm: Parallellm) =>
      pllm.forEach(
        Array.from({ length: 25 }, (_, index) => index),
        (index) => `item-${index}`,
        (index, agent) => agent.ask(`${"long context ".repeat(index % 2 ? 600 : 1)} item ${index}`).text(),
      );
    const options: ParallellmOptions = {
      llm: "gpt-4.1-mini",
      strategy: "batch",
      clients: server.clientsFor(),
      summary: false,
      batch: { limits: { openai: { maxRequests: 10, maxBytes: 20_000 } } },
    };
    const first = await Parallellm.run(directory, options, pipeline);
    const sizes = first.summary.batches.submitted.map((batch) => batch.requestCount);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(25);
    expect(sizes.every((size) => size <= 10)).toBe(true);
    expect(sizes.length).toBeGreaterThanOrEqual(4); // 25 by count alone would need 3
    const second = await Parallellm.run(directory, options, pipeline);
    expect(second.result.every((text) => typeof text === "string")).toBe(true);
  });

  it("hybrid sends a small round directly and batches a large one", async () => {
    const options: ParallellmOptions = {
      llm: "gpt-4.1-mini",
      strategy: "hybrid",
      clients: server.clientsFor(),
      summary: false,
      batch: { minSize: 5 },
    };
    const small = await Parallellm.run(tempWorkspace(), options, (pllm) =>
      pllm.forEach(
        [1, 2, 3],
        (n) => `n${n}`,
        (n, agent) => agent.ask(`Cube ${n}`).text(),
      ),
    );
    expect(small.result.every((text) => typeof text === "string")).toBe(true);
    expect(small.summary).toMatchObject({ sent: 3, collected: 0 });
    expect(small.summary.batches.submitted).toHaveLength(0);

    const large = await Parallellm.run(tempWorkspace(), options, (pllm) =>
      pllm.forEach(
        [1, 2, 3, 4, 5, 6],
        (n) => `n${n}`,
        (n, agent) => agent.ask(`Cube ${n}`).text(),
      ),
    );
    expect(large.result).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
    expect(large.summary).toMatchObject({ sent: 0, collected: 6 });
    expect(large.summary.batches.submitted).toHaveLength(1);
  });

  it("cohortLock holds back results until every batch of the session is done", async () => {
    const directory = tempWorkspace();
    const pipeline = (pllm: Parallellm) =>
      pllm.forEach(
        ["gpt-4.1-mini", "claude-sonnet-4-6"],
        (model) => model,
        (model, agent) => agent.ask("Name a colour.", { llm: model }).text(),
      );
    const options: ParallellmOptions = {
      strategy: "batch",
      clients: server.clientsFor(),
      summary: false,
      cohortLock: true,
    };
    await Parallellm.run(directory, options, pipeline);
    // OpenAI's batch is done at the first poll, Anthropic's only at the second.
    server.setBatchBehavior({ completeAfterPolls: 0 });
    const anthropicBatch = server.batchesOf("anthropic")[0];
    anthropicBatch.polls = -1;
    const held = await Parallellm.run(directory, options, pipeline);
    expect(held.summary.batches.ingested).toBe(0);
    expect(held.result).toEqual([undefined, undefined]);
    const released = await Parallellm.run(directory, options, pipeline);
    expect(released.summary.batches.ingested).toBe(2);
    expect(released.result.every((text) => typeof text === "string")).toBe(true);
  });

  it("preview writes the input files and submits nothing; confirm without a terminal never hangs", async () => {
    const directory = tempWorkspace();
    const before = server.batchesOf("openai").length;
    const printed: string[] = [];
    const preview = await runOnce(directory, { llm: "gpt-4.1-mini", strategy: "batch", batch: { preview: true } });
    expect(preview.summary.batches.previewOnly).toBe(true);
    const input = preview.summary.batches.submitted[0].inputPath;
    expect(JSON.parse(readFileSync(input, "utf8").split("\n")[0])).toMatchObject({
      method: "POST",
      url: "/v1/responses",
      body: { model: "gpt-4.1-mini" },
    });
    const warned: string[] = [];
    const unconfirmed = await runOnce(directory, {
      llm: "gpt-4.1-mini",
      strategy: "batch",
      batch: { confirm: true },
      summary: (text) => printed.push(text),
      logger: { debug() {}, info() {}, warn: (_fields, message) => warned.push(message), error() {} },
    });
    expect(unconfirmed.summary.batches.previewOnly).toBe(true);
    expect(printed.join("\n")).toMatch(/openai\/gpt-4\.1-mini: 1 requests .*input tokens/);
    // Why nothing was submitted is a warning, for the logger.
    expect(warned).toEqual([expect.stringMatching(/^Not submitted: confirmation needs a terminal\. .*PLLM_APPROVE=1/)]);
    expect(server.batchesOf("openai").length).toBe(before);
    const approved = await runOnce(directory, {
      llm: "gpt-4.1-mini",
      strategy: "batch",
      batch: { confirm: true, approve: true },
    });
    expect(approved.summary.batches.submitted[0].providerBatchId).toMatch(/\S/);
  });

  it("two workers of one store: the calls one submitted are left out of the other's batches, unasked to confirm", async () => {
    // The memory store has a lock and takenCalls, as a store many workers share does.
    const store = createMemoryStore();
    const before = server.batchesOf("openai").length;
    const open = (options: ParallellmOptions = {}) =>
      Parallellm.open(tempWorkspace(), {
        clients: server.clientsFor(),
        llm: "gpt-4.1-mini",
        strategy: "batch",
        store,
        summary: false,
        ...options,
      });
    const first = await open();
    const warned: string[] = [];
    const printed: string[] = [];
    const second = await open({
      batch: { confirm: true },
      summary: (text) => printed.push(text),
      logger: { debug() {}, info() {}, warn: (_fields, message) => warned.push(message), error() {} },
    });
    await Promise.all([tournament(first), tournament(second)]);
    expect((await first.close()).batches.submitted).toHaveLength(1);
    const summary = await second.close();
    expect(summary).toMatchObject({ collected: 1, halted: 1 });
    expect(summary.batches).toMatchObject({ submitted: [], takenElsewhere: 1, previewOnly: false });
    expect(printed.join("\n")).toMatch(/1 of the collected calls went into another worker's batch/);
    expect(warned).toEqual([]);
    expect(server.batchesOf("openai").length).toBe(before + 1);
  });
});
