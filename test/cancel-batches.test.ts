/**
 * `pllm.cancelBatches` end to end: Parallellm -> official SDKs -> the fake
 * provider server's cancel endpoints, with a real SQLite store. A cancelled
 * batch stays pending until the provider reports it ended; then the next open
 * ingests what was answered and collects the rest again.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { InputError, type LLM, Parallellm, type ParallellmOptions } from "../src/index.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;

beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());
beforeEach(() => server.setBatchBehavior({}));

const cities = ["Oslo", "Lima", "Pune"];

/** One run of a pipeline asking one question per city; returns the summary and what `during` returned. */
async function runOnce<T>(directory: string, llm: LLM, during?: (pllm: Parallellm) => Promise<T>) {
  const options: ParallellmOptions = { llm, strategy: "batch", clients: server.clientsFor(), summary: false };
  const pllm = await Parallellm.open(directory, options);
  const answers = await pllm.forEach(
    cities,
    (city) => city,
    async (city, agent) => agent.ask(`Capital-sized facts about ${city}?`).text(),
  );
  const result = during ? await during(pllm) : undefined;
  return { answers, result, summary: await pllm.close() };
}

function storedBatches(directory: string): { state: string; message: string | null }[] {
  const db = new Database(join(directory, "store.sqlite"), { readonly: true });
  try {
    return db.prepare("SELECT state, message FROM batches ORDER BY id").all() as never;
  } finally {
    db.close();
  }
}

const providers: { llm: LLM; provider: "openai" | "anthropic" | "google"; cancelPath: RegExp }[] = [
  { llm: "gpt-4.1-mini", provider: "openai", cancelPath: /^\/v1\/batches\/[^/]+\/cancel$/ },
  { llm: "claude-sonnet-4-6", provider: "anthropic", cancelPath: /^\/v1\/messages\/batches\/[^/]+\/cancel$/ },
  { llm: "gemini-2.5-flash", provider: "google", cancelPath: /^\/v1beta\/batches\/[^/]+:cancel$/ },
];

describe("pllm.cancelBatches", () => {
  for (const { llm, provider, cancelPath } of providers) {
    it(`${provider}: cancels the pending batch at the provider; the next open ingests the answered calls and collects the rest again`, async () => {
      server.setBatchBehavior({ completeAfterPolls: 1_000, finishedBeforeEnd: 1 });
      const directory = tempWorkspace();
      const first = await runOnce(directory, llm);
      const [submitted] = first.summary.batches.submitted;
      expect(submitted).toMatchObject({ provider, requestCount: 3, providerBatchId: expect.any(String) });

      server.resetLog();
      const second = await runOnce(directory, llm, (pllm) => pllm.cancelBatches());
      expect(second.result).toEqual({
        cancelling: [{ tag: submitted.tag, provider, providerBatchId: submitted.providerBatchId }],
        failed: [],
      });
      expect(server.requests.filter((request) => cancelPath.test(request.path))).toHaveLength(1);
      // Recorded, and still pending: the provider has not reported the batch ended yet.
      expect(storedBatches(directory)).toEqual([
        { state: "pending", message: expect.stringMatching(/^Cancel requested on .*; pending until/) },
      ]);
      expect(second.summary.batches.pending).toBe(1);

      const third = await runOnce(directory, llm);
      expect(third.summary.batches).toMatchObject({ ingested: 1, ingestedAnswers: 1, unfinishedRequests: 2 });
      expect(third.summary).toMatchObject({ replayed: 1, collected: 2 });
      expect(storedBatches(directory)[0].state).toBe("ingested");
    });
  }

  it("cancels only the batches named by tag or provider id, and refuses a name that is not pending", async () => {
    server.setBatchBehavior({ completeAfterPolls: 1_000 });
    const directory = tempWorkspace();
    const [openai] = (await runOnce(directory, "gpt-4.1-mini")).summary.batches.submitted;
    const [google] = (await runOnce(directory, "gemini-2.5-flash")).summary.batches.submitted;

    const refused = await runOnce(directory, "gpt-4.1-mini", (pllm) =>
      pllm.cancelBatches({ tags: [openai.tag, "pllm-s9-nope-0"] }).catch((error: unknown) => error),
    );
    expect(refused.result).toBeInstanceOf(InputError);
    expect((refused.result as Error).message).toMatch(
      /^No pending batch is "pllm-s9-nope-0", so nothing was cancelled\. Pending batches: .*Name pending batches by tag or provider id/,
    );
    expect(storedBatches(directory).map((batch) => batch.message)).toEqual([null, null]);

    const byId = await runOnce(directory, "gpt-4.1-mini", (pllm) =>
      pllm.cancelBatches({ providerBatchIds: [google.providerBatchId as string] }),
    );
    expect(byId.result).toMatchObject({ cancelling: [{ tag: google.tag, provider: "google" }], failed: [] });
    expect(storedBatches(directory)).toEqual([
      { state: "pending", message: null },
      { state: "pending", message: expect.stringMatching(/^Cancel requested/) },
    ]);
  });

  it("reports a batch the provider did not cancel as failed, with what it said; the batch stays as it was", async () => {
    server.setBatchBehavior({ completeAfterPolls: 1_000 });
    const directory = tempWorkspace();
    const [submitted] = (await runOnce(directory, "gpt-4.1-mini")).summary.batches.submitted;

    const second = await runOnce(directory, "gpt-4.1-mini", async (pllm) => {
      server.failNext({ status: 404 });
      return pllm.cancelBatches();
    });
    expect(second.result).toEqual({
      cancelling: [],
      failed: [
        {
          tag: submitted.tag,
          provider: "openai",
          providerBatchId: submitted.providerBatchId,
          message: expect.stringMatching(/404/),
        },
      ],
    });
    expect(storedBatches(directory)).toEqual([{ state: "pending", message: null }]);
  });
});
