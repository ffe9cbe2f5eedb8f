/**
 * Hostile provider responses from the fake server, through Parallellm and the
 * official SDKs: cut-off JSON, answers without choices, huge bodies, and batch
 * results with truncated, repeated, conflicting or foreign lines. Each is
 * recorded as a failure or ignored with a warning: never a crash, and never an
 * answer stored under a call it does not belong to.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type LLM, Parallellm, type ParallellmOptions, TransientProviderError } from "../src/index.js";
import { type FakeProviderServer, type HostileKind, startFakeProviderServer } from "../src/testing/index.js";
import { openaiChat, tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());
afterEach(() => {
  server.setHostility(undefined);
  server.setBatchBehavior({});
});

const targets: { name: string; llm: LLM; provider: "openai" | "anthropic" | "google" }[] = [
  { name: "openai (responses)", llm: "gpt-4.1-mini", provider: "openai" },
  { name: "openai (chat)", llm: "openai-chat:gpt-4.1-mini", provider: "openai" },
  { name: "anthropic", llm: "claude-sonnet-4-6", provider: "anthropic" },
  { name: "google", llm: "gemini-2.5-flash", provider: "google" },
];

const items = ["alpha", "bravo", "charlie", "delta", "echo"];
const prompt = (item: string) => `Describe ${item}.`;

function options(llm: LLM, extra: ParallellmOptions = {}): ParallellmOptions {
  return {
    llm,
    clients: server.clientsFor(),
    providers: openaiChat(server),
    summary: false,
    retry: { initialDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 },
    ...extra,
  };
}

const pipeline = (pllm: Parallellm) =>
  pllm.forEach(
    items,
    (item) => item,
    (item, agent) => agent.ask(prompt(item)).text(),
  );

/** Stored answers by agent; each must be the fake model's answer to that agent's own prompt. */
function storedAnswers(directory: string): Map<string, string> {
  const db = new Database(join(directory, "store.sqlite"), { readonly: true });
  try {
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    const rows = db.prepare("SELECT c.agent, r.text FROM calls c JOIN responses r ON r.id = c.response_id").all() as {
      agent: string;
      text: string;
    }[];
    return new Map(rows.map((row) => [row.agent, row.text]));
  } finally {
    db.close();
  }
}

function expectOwnAnswers(answers: Map<string, string>): void {
  for (const [agent, text] of answers) expect(text, agent).toMatch(new RegExp(`^Answer to: Describe ${agent}\\. \\[`));
}

function failureRows(directory: string): { agent: string; kind: string; message: string }[] {
  const db = new Database(join(directory, "store.sqlite"), { readonly: true });
  try {
    return db.prepare("SELECT agent, kind, message FROM failures ORDER BY id").all() as never;
  } finally {
    db.close();
  }
}

describe("direct calls", () => {
  for (const { name, llm, provider } of targets) {
    it(`${name}: malformed JSON is a recorded, retried failure; the retry's answer is stored`, async () => {
      const directory = tempWorkspace();
      server.setHostility({ kind: "malformed-json", provider, match: "bravo", times: 1 });
      const { result, summary } = await Parallellm.run(directory, options(llm), pipeline);
      expect(result.every((text) => typeof text === "string")).toBe(true);
      expect(summary).toMatchObject({ failedAttempts: 1, failed: 0, received: 5 });
      expect(failureRows(directory)).toEqual([
        { agent: "bravo", kind: "server", message: expect.stringMatching(/^unreadable response: /) },
      ]);
      const answers = storedAnswers(directory);
      expect(answers.size).toBe(5);
      expectOwnAnswers(answers);
    });

    it(`${name}: a response that stays malformed fails its agent with a typed error; the others go on; a rerun sends only it`, async () => {
      const directory = tempWorkspace();
      server.setHostility({ kind: "malformed-json", provider, match: "charlie" });
      const errors: unknown[] = [];
      const first = await Parallellm.run(directory, options(llm, { onError: "record" }), (pllm) =>
        pllm.forEach(
          items,
          (item) => item,
          (item, agent) =>
            agent
              .ask(prompt(item))
              .text()
              .catch((error: unknown) => {
                errors.push(error);
                throw error;
              }),
        ),
      );
      expect(first.result.filter((text) => text === undefined)).toHaveLength(1);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toBeInstanceOf(TransientProviderError);
      expect((errors[0] as Error).message).toMatch(/without a readable answer .* retried with backoff/);
      expect(first.summary).toMatchObject({ failedAttempts: 3, failed: 1, failedAgents: 1 });
      expect([...storedAnswers(directory).keys()].sort()).toEqual(["alpha", "bravo", "delta", "echo"]);

      server.setHostility(undefined);
      const before = server.requests.length;
      const second = await Parallellm.run(directory, options(llm), pipeline);
      expect(second.summary).toMatchObject({ replayed: 4, sent: 1, received: 1 });
      expect(server.requests.length - before).toBe(1);
      expectOwnAnswers(storedAnswers(directory));
    });

    it(`${name}: empty choices are ${provider === "anthropic" ? "an empty answer (Claude may end its turn without text)" : "a recorded, retried failure, never an empty answer"}`, async () => {
      const directory = tempWorkspace();
      server.setHostility({ kind: "empty-choices", provider, match: "delta", times: 1 });
      const { result, summary } = await Parallellm.run(directory, options(llm), pipeline);
      const answers = storedAnswers(directory);
      if (provider === "anthropic") {
        expect(result[3]).toBe("");
        expect(summary.failedAttempts).toBe(0);
        answers.delete("delta");
      } else {
        expect(result[3]).toMatch(/^Answer to: Describe delta\./);
        expect(summary.failedAttempts).toBe(1);
        expect(failureRows(directory)).toEqual([
          {
            agent: "delta",
            kind: "server",
            message: expect.stringMatching(/unreadable response: .*no (choices|output|candidates)/),
          },
        ]);
      }
      expectOwnAnswers(answers);
    });

    it(`${name}: a huge body is stored whole under its call and replayed`, async () => {
      const directory = tempWorkspace();
      const bytes = 3 * 1024 * 1024;
      server.setHostility({ kind: "huge-body", provider, match: "echo", times: 1, bytes });
      const first = await Parallellm.run(directory, options(llm), pipeline);
      expect(first.result[4]).toHaveLength(bytes);
      const before = server.requests.length;
      const second = await Parallellm.run(directory, options(llm), pipeline);
      expect(second.result).toEqual(first.result);
      expect(server.requests.length).toBe(before);
      const answers = storedAnswers(directory);
      expect(answers.get("echo")).toHaveLength(bytes);
      answers.delete("echo");
      expectOwnAnswers(answers);
    });
  }
});

describe("batch results", () => {
  const batchTargets = targets.filter((target) => target.name !== "openai (chat)");
  const kinds: HostileKind[] = ["truncate-line", "duplicate-line", "conflicting-line", "unknown-custom-id"];
  for (const { name, llm, provider } of batchTargets) {
    for (const kind of kinds) {
      it(`${name}: ${kind} — ignored with a warning; no answer lands under another call; the next run completes`, async () => {
        const directory = tempWorkspace();
        const batchOptions = options(llm, { strategy: "batch" });
        await Parallellm.run(directory, batchOptions, pipeline);
        server.setHostility({ kind, provider });

        const spoiled = await Parallellm.run(directory, batchOptions, pipeline);
        expect(spoiled.summary.batches.ingested).toBe(1);
        expect(spoiled.summary.batches.warnings.length).toBeGreaterThan(0);
        const answers = storedAnswers(directory);
        expectOwnAnswers(answers);
        if (kind === "unknown-custom-id") expect(answers.size).toBe(5);
        if (kind === "truncate-line") expect(answers.size).toBe(4);
        for (const text of answers.values()) expect(text).not.toContain("a different answer under the same id");

        server.setHostility(undefined);
        const { result } = await Parallellm.run(directory, batchOptions, pipeline, {
          untilDone: true,
          pollInterval: 1,
        });
        expect(result).toEqual(
          items.map((item) => expect.stringMatching(new RegExp(`^Answer to: Describe ${item}\\.`))),
        );
        const final = storedAnswers(directory);
        expect(final.size).toBe(5);
        expectOwnAnswers(final);
      });
    }
  }
});
