/**
 * Failures are seen, not looped: a request a provider rejects (inside a batch
 * or sent directly) is recorded once, shown in the summary, not sent again by
 * later runs, and stops run-until-done naming it; `retryFailed` sends it again.
 * Transient failures inside batches are retried by the next runs, up to a bound.
 * Through the official SDKs against the fake server, with a real SQLite store.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  BatchFailedError,
  FailedCallsError,
  type LLM,
  Parallellm,
  type ParallellmOptions,
  ProviderRequestError,
  TransientProviderError,
} from "../src/index.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());
beforeEach(() => server.setBatchBehavior({}));

const targets: { llm: LLM; provider: "openai" | "anthropic" | "google" }[] = [
  { llm: "gpt-4.1-mini", provider: "openai" },
  { llm: "claude-sonnet-4-6", provider: "anthropic" },
  { llm: "gemini-2.5-flash", provider: "google" },
];

const rejection = "The square of 2 is not allowed here.";

/** The provider fails the request "Square 2" with `status` (and `rejection` as its message). */
function failSquareTwo(status: number): void {
  server.setBatchBehavior({
    failRequest: (context) => (context.prompt === "Square 2" ? { status, message: rejection } : undefined),
  });
}

const squares =
  (numbers: readonly number[] = [1, 2, 3]) =>
  (pllm: Parallellm) =>
    pllm.forEach(
      numbers,
      (n) => `n${n}`,
      (n, agent) => agent.ask(`Square ${n}`).text(),
    );

/** Like `squares`, but agent n2 reports its handle's status and what awaiting it raised. */
function probing(seen: { status?: string; error?: unknown }) {
  return (pllm: Parallellm) =>
    pllm.forEach(
      [1, 2, 3],
      (n) => `n${n}`,
      async (n, agent) => {
        const handle = agent.ask(`Square ${n}`);
        if (n !== 2) return handle.text();
        seen.status = handle.status();
        seen.error = await handle.text().catch((error: unknown) => error);
        return undefined;
      },
    );
}

function failureRows(directory: string): { agent: string; status_code: number | null; message: string }[] {
  const db = new Database(join(directory, "store.sqlite"), { readonly: true });
  try {
    return db.prepare("SELECT agent, status_code, message FROM failures ORDER BY id").all() as never;
  } finally {
    db.close();
  }
}

describe("a request rejected inside a batch", () => {
  for (const { llm, provider } of targets) {
    it(`${provider}: is recorded once, shown, not resubmitted, stops untilDone naming it; retryFailed sends it again`, async () => {
      const directory = tempWorkspace();
      const printed: string[] = [];
      const options: ParallellmOptions = {
        llm,
        strategy: "batch",
        clients: server.clientsFor(),
        onError: "record",
        summary: (text) => printed.push(text),
      };
      failSquareTwo(400);
      const before = server.batchesOf(provider).length;
      await Parallellm.run(directory, options, squares());

      const second = await Parallellm.run(directory, options, squares());
      expect(second.summary.batches).toMatchObject({ ingested: 1, ingestedAnswers: 2, failedRequests: 1 });
      expect(second.summary.batches.firstFailedRequest).toBe(`agent "n2" (${provider}/${llm}): HTTP 400: ${rejection}`);
      expect(second.summary).toMatchObject({ replayed: 2, collected: 0, failed: 1, failedForGood: 1 });
      expect(second.summary.batches.submitted).toEqual([]);
      const shown = printed.at(-1)!;
      expect(shown).toContain(
        `2 answers stored, 1 failed (first: agent "n2" (${provider}/${llm}): HTTP 400: ${rejection})`,
      );
      expect(shown).toMatch(/FAILED {4}1 call\(s\) failed for good .*retryFailed: true \(pllm run --retry-failed\)/);
      expect(failureRows(directory)).toEqual([{ agent: "n2", status_code: 400, message: rejection }]);

      const seen: { status?: string; error?: unknown } = {};
      const third = await Parallellm.run(directory, options, probing(seen));
      expect(third.summary).toMatchObject({ replayed: 2, collected: 0, sent: 0, failedForGood: 1 });
      expect(seen.status).toBe("failed");
      expect(seen.error).toBeInstanceOf(ProviderRequestError);
      expect((seen.error as ProviderRequestError).message).toMatch(
        new RegExp(
          `^Agent "n2" \\(ask at .*batch-failures\\.test\\.ts:\\d+:\\d+\\): ${provider} \\(${llm}\\) rejected this request with HTTP 400: ${rejection.replace(".", "\\.")} .*not sent again until the ask changes.*retryFailed: true \\(pllm run --retry-failed\\)`,
        ),
      );
      expect(seen.error).toMatchObject({ agent: "n2", model: llm, statusCode: 400, providerMessage: rejection });
      expect(server.batchesOf(provider).length - before).toBe(1);
      expect(failureRows(directory)).toHaveLength(1);

      await expect(Parallellm.run(directory, options, squares(), { untilDone: true, pollInterval: 1 })).rejects.toThrow(
        new FailedCallsError(
          `1 call(s) failed for good and are not sent again (first: agent "n2" (${provider}/${llm}): HTTP 400: ${rejection}). Fix those asks (a changed ask is a new call), or send them again with retryFailed: true (pllm run --retry-failed) or by marking them with pllm retry.`,
        ),
      );
      expect(server.batchesOf(provider).length - before).toBe(1);

      server.setBatchBehavior({});
      const retried = await Parallellm.run(directory, { ...options, retryFailed: true }, squares());
      expect(retried.summary).toMatchObject({ collected: 1, failedForGood: 0 });
      expect(retried.summary.batches.submitted).toMatchObject([{ requestCount: 1, resubmitted: 1 }]);
      const done = await Parallellm.run(directory, options, squares());
      expect(done.result).toEqual([1, 2, 3].map((n) => expect.stringMatching(new RegExp(`Square ${n}`))));
    });

    it(`${provider}: untilDone (onError: throw) ends with the provider's error naming the call`, async () => {
      failSquareTwo(400);
      const run = Parallellm.run(
        tempWorkspace(),
        { llm, strategy: "batch", clients: server.clientsFor(), summary: false },
        squares(),
        { untilDone: true, pollInterval: 1, maxRuns: 6 },
      );
      await expect(run).rejects.toThrow(ProviderRequestError);
      await expect(run).rejects.toThrow(/^Agent "n2" .*HTTP 400: The square of 2 .*retryFailed: true/);
    });

    it(`${provider}: a transient per-request error is resubmitted by the next runs, up to 3 batches; the wait backs off meanwhile`, async () => {
      failSquareTwo(500);
      const directory = tempWorkspace();
      const options: ParallellmOptions = {
        llm,
        strategy: "batch",
        clients: server.clientsFor(),
        onError: "record",
        summary: false,
      };
      const before = server.batchesOf(provider).length;
      const waits: number[] = [];
      await expect(
        Parallellm.run(directory, options, squares([2]), {
          untilDone: true,
          pollInterval: 1,
          maxRuns: 8,
          onWait: (_, waitMs) => waits.push(waitMs),
        }),
      ).rejects.toThrow(FailedCallsError);
      // Submitted, then resubmitted twice; the third failure gives it up. Only the first
      // submission was progress, so the wait doubles after each resubmission.
      expect(server.batchesOf(provider).length - before).toBe(3);
      expect(waits).toEqual([1, 2, 4]);
      expect(failureRows(directory).map((row) => row.status_code)).toEqual([500, 500, 500]);

      const seen: { status?: string; error?: unknown } = {};
      await Parallellm.run(directory, options, probing(seen));
      expect(seen.status).toBe("failed");
      expect(seen.error).toBeInstanceOf(TransientProviderError);
      expect((seen.error as Error).message).toMatch(
        /failed on this request in 3 batches, the last time with HTTP 500: .*retryFailed: true/,
      );
    });

    it(`${provider}: calls of batches that keep expiring are given up after 3 batches`, async () => {
      server.setBatchBehavior({ outcome: "expired", finishedBeforeEnd: 0 });
      const directory = tempWorkspace();
      const before = server.batchesOf(provider).length;
      const run = Parallellm.run(
        directory,
        { llm, strategy: "batch", clients: server.clientsFor(), onError: "record", summary: false },
        squares([1]),
        { untilDone: true, pollInterval: 1, maxRuns: 8 },
      );
      await expect(run).rejects.toThrow(FailedCallsError);
      await expect(run).rejects.toThrow(/agent "n1" .*expired/);
      expect(server.batchesOf(provider).length - before).toBe(3);
    });

    it(`${provider}: a batch the provider refuses to create stops untilDone, not resubmitted run after run`, async () => {
      const createPath: Record<string, (path: string) => boolean> = {
        openai: (path) => path === "/v1/batches",
        anthropic: (path) => path === "/v1/messages/batches",
        google: (path) => path.endsWith(":batchGenerateContent"),
      };
      server.failNext({
        status: 400,
        provider,
        message: "The batch is not allowed.",
        match: (context) => createPath[provider](context.path),
        times: 5,
      });
      const run = Parallellm.run(
        tempWorkspace(),
        { llm, strategy: "batch", clients: server.clientsFor(), summary: false },
        squares(),
        { untilDone: true, pollInterval: 1, maxRuns: 3 },
      );
      await expect(run).rejects.toThrow(BatchFailedError);
      await expect(run).rejects.toThrow(/1 batch\(es\) failed permanently:[\s\S]*The batch is not allowed/);
      server.failNext({ status: 400, provider, times: 1, match: () => false });
    });
  }
});

describe("a request rejected when sent directly", () => {
  const cases = [
    ...targets.map((target) => ({ ...target, strategy: "async" as const })),
    { ...targets[0], strategy: "sync" as const },
    { ...targets[0], strategy: "hybrid" as const },
  ];
  for (const { llm, provider, strategy } of cases) {
    it(`${provider}, ${strategy}: is not sent again by the next run, stops untilDone; retryFailed sends it again`, async () => {
      const directory = tempWorkspace();
      const printed: string[] = [];
      const options: ParallellmOptions = {
        llm,
        strategy,
        clients: server.clientsFor(),
        onError: "record",
        summary: (text) => printed.push(text),
      };
      server.failNext({ status: 400, provider, match: "Square 2", message: rejection });
      const first = await Parallellm.run(directory, options, squares());
      expect(first.summary).toMatchObject({ sent: 3, received: 2, failed: 1, failedForGood: 1 });
      expect(printed.at(-1)).toContain(`first: agent "n2" (${provider}/${llm}): HTTP 400: ${rejection}`);
      expect(failureRows(directory)).toEqual([{ agent: "n2", status_code: 400, message: rejection }]);

      const requestsBefore = server.requests.length;
      const seen: { status?: string; error?: unknown } = {};
      const second = await Parallellm.run(directory, options, probing(seen));
      expect(server.requests.length).toBe(requestsBefore);
      expect(second.summary).toMatchObject({ replayed: 2, sent: 0, failed: 1, failedForGood: 1 });
      expect(seen.status).toBe("failed");
      expect(seen.error).toBeInstanceOf(ProviderRequestError);
      expect((seen.error as Error).message).toMatch(/^Agent "n2" .*rejected this request with HTTP 400: .*retryFailed/);

      await expect(Parallellm.run(directory, options, squares(), { untilDone: true, pollInterval: 1 })).rejects.toThrow(
        FailedCallsError,
      );
      expect(server.requests.length).toBe(requestsBefore);

      const retried = await Parallellm.run(directory, { ...options, retryFailed: true }, squares());
      expect(retried.summary).toMatchObject({ replayed: 2, sent: 1, received: 1, failedForGood: 0 });
      expect(retried.result).toEqual([1, 2, 3].map((n) => expect.stringMatching(new RegExp(`Square ${n}`))));
    });
  }
});
