/**
 * API keys never reach the store, the batch archive, the summary, error
 * text or log records (at debug, to a logger and to stderr). Every provider runs in every mode, with failures (400, 401, 429, 500),
 * with recognisable fake keys, through clients and through the environment;
 * then the whole workspace and everything printed or thrown is searched for them.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { inspect } from "node:util";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type LLM, Parallellm, type ParallellmOptions } from "../src/index.js";
import { createOpenAIProvider } from "../src/openai.js";
import { decompressRaw } from "../src/store/raw-response-codec.js";
import {
  type FakeProviderClients,
  type FakeProviderServer,
  fakeProviderClients,
  startFakeProviderServer,
} from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

/** The part every fake key shares: found anywhere, a key leaked (even a masked one keeps its ends only). */
const canary = "LEAKCANARY";
const keys = {
  openai: `sk-proj-${canary}-openai-5f2c9e7d1a4b8c3e`,
  anthropic: `sk-ant-api03-${canary}-anthropic-9d8e7f6a5b4c`,
  google: `AIzaSy${canary}-google-3c4d5e6f7a8b9c0d`,
};
const wrongKeys = {
  openai: `sk-proj-${canary}-wrong-0a1b2c3d4e5f6a7b`,
  anthropic: `sk-ant-api03-${canary}-wrong-1b2c3d4e5f6a`,
  google: `AIzaSy${canary}-wrong-2c3d4e5f6a7b8c9d`,
};

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer({ apiKeys: keys });
});
afterAll(() => server.close());

const targets: { name: string; llm: LLM; provider: keyof typeof keys }[] = [
  { name: "openai (responses)", llm: "gpt-4.1-mini", provider: "openai" },
  { name: "openai (chat)", llm: "openai-chat:gpt-4.1-mini", provider: "openai" },
  { name: "anthropic", llm: "claude-sonnet-4-6", provider: "anthropic" },
  { name: "google", llm: "gemini-2.5-flash", provider: "google" },
];
const modes = ["sync", "async", "batch", "hybrid"] as const;

/** Chat Completions as a provider of its own, through `clients.openai` or, without it, the environment. */
const openaiChatWith = (clients: FakeProviderClients | undefined): ParallellmOptions["providers"] => ({
  "openai-chat": createOpenAIProvider({ name: "openai-chat", client: clients?.openai, api: "chat" }),
});

/** Four agents: one answered, and one for each failure the provider sends. */
const prompts = {
  ok: "Say something kind.",
  bad: "bad request please",
  busy: "busy signal please",
  down: "down for a while",
};
const statusFor = (prompt: string) =>
  prompt.includes("bad") ? 400 : prompt.includes("busy") ? 429 : prompt.includes("down") ? 500 : undefined;

/** What a run printed or threw, as text: summaries, and each error's message, stack and full inspection (causes included). */
const captured: string[] = [];
const capture = (error: unknown) => {
  captured.push(String(error), (error as Error).stack ?? "", inspect(error, { depth: 8 }));
};
/** Every log record, at debug. */
const recordOf = (fields: object, message: string) => {
  captured.push(`${message} ${JSON.stringify(fields)}`);
};
const logger = { debug: recordOf, info: recordOf, warn: recordOf, error: recordOf };

const pipeline = (pllm: Parallellm) =>
  pllm.forEach(
    Object.entries(prompts),
    ([name]) => name,
    ([, prompt], agent) =>
      agent
        .ask(prompt)
        .text()
        .catch((error: unknown) => {
          capture(error);
          throw error;
        }),
  );

async function runAll(directory: string, options: ParallellmOptions, runs: number): Promise<void> {
  for (let run = 0; run < runs; run++) {
    try {
      const pllm = await Parallellm.open(directory, options);
      try {
        await pipeline(pllm);
      } finally {
        await pllm.close();
      }
    } catch (error) {
      capture(error);
    }
  }
}

function injectFailures(provider: keyof typeof keys): void {
  server.failNext({ provider, status: 400, match: "bad request" });
  server.failNext({ provider, status: 429, match: "busy signal", times: 2, retryAfterMs: 1 });
  server.failNext({ provider, status: 500, match: "down for", times: 2 });
  server.setBatchBehavior({ failRequest: (context) => statusFor(context.prompt) });
}

/** Every file of the workspace (store, WAL, archive), as text. */
function workspaceText(directory: string): string {
  const texts: string[] = [];
  const walk = (path: string) => {
    if (statSync(path).isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    else texts.push(`${path}\n${readFileSync(path).toString("latin1")}`);
  };
  walk(directory);
  return texts.join("\n");
}

/** The raw provider responses of a workspace's answers: stored deflated, where a byte search cannot see a key. */
function rawResponsesText(directory: string): string {
  const db = new Database(join(directory, "store.sqlite"), { readonly: true });
  const raws = db.prepare("SELECT raw FROM responses WHERE raw IS NOT NULL").pluck().all() as Buffer[];
  db.close();
  return raws.map((raw) => decompressRaw(raw)).join("\n");
}

function expectNoKey(text: string, where: string): void {
  expect(
    text.includes(canary),
    `${where} holds a key: …${text.slice(Math.max(0, text.indexOf(canary) - 120), text.indexOf(canary) + 60)}…`,
  ).toBe(false);
}

describe("no API key leaks", () => {
  const written: { text: string; where: string }[] = [];
  const write = (where: string) =>
    ((chunk: string | Uint8Array) => {
      written.push({ text: String(chunk), where });
      return true;
    }) as never;

  for (const { name, llm, provider } of targets) {
    for (const mode of modes) {
      it(`${name}, ${mode}: answers, 400, 429, 500 and 401 leave no key in the workspace or the output`, async () => {
        vi.spyOn(process.stderr, "write").mockImplementation(write("stderr"));
        const directory = tempWorkspace();
        const base: ParallellmOptions = {
          llm,
          strategy: mode,
          onError: "record",
          retry: { initialDelayMs: 1, maxDelayMs: 2, maxAttempts: 2 },
          batch: { minSize: 2 },
          keepRaw: true,
          summary: (text) => captured.push(text),
          logLevel: "debug",
          logger,
        };
        // With the right keys (clients), failures included; batch modes need a second run to ingest.
        injectFailures(provider);
        await runAll(
          directory,
          { ...base, clients: server.clientsFor(), providers: openaiChatWith(server.clientsFor()) },
          mode === "batch" || mode === "hybrid" ? 3 : 1,
        );
        // With wrong keys: the provider refuses them (401, or Gemini's 400 API_KEY_INVALID).
        const wrong = fakeProviderClients(server.url, wrongKeys);
        await runAll(tempWorkspace("wrong"), { ...base, clients: wrong, providers: openaiChatWith(wrong) }, 1);
        // Through the environment, as a user without `clients` would run.
        const environment = {
          OPENAI_API_KEY: keys.openai,
          OPENAI_BASE_URL: `${server.url}/v1`,
          ANTHROPIC_API_KEY: keys.anthropic,
          ANTHROPIC_BASE_URL: server.url,
          GEMINI_API_KEY: keys.google,
          GOOGLE_GEMINI_BASE_URL: server.url,
        };
        for (const [variable, value] of Object.entries(environment)) vi.stubEnv(variable, value);
        const fromEnvironment = tempWorkspace("env");
        const answered = server.requests.length;
        injectFailures(provider);
        // Its log records go to stderr, as by default.
        await runAll(
          fromEnvironment,
          { ...base, logger: undefined, providers: openaiChatWith(undefined) },
          mode === "batch" || mode === "hybrid" ? 3 : 1,
        );
        expect(server.requests.length).toBeGreaterThan(answered);
        vi.unstubAllEnvs();
        vi.restoreAllMocks();

        for (const workspace of [directory, fromEnvironment]) {
          expectNoKey(workspaceText(workspace), workspace);
          const raws = rawResponsesText(workspace);
          expect(raws).toContain(`Answer to: ${prompts.ok}`);
          expectNoKey(raws, `${workspace}: raw responses`);
        }
        expectNoKey(captured.join("\n"), "summaries, errors and log records");
        expect(captured.join("\n")).toMatch(/session opened \{"session":1,/);
        expect(written.map(({ text }) => text).join("")).toMatch(/ INFO {2}session opened session=1 /);
        for (const { text, where } of written) expectNoKey(text, where);
        // The failures did happen: the wrong keys were refused, and the store recorded 400, 429 and 500.
        expect(captured.join("\n")).toMatch(/HTTP 401|API_KEY_INVALID/);
        const db = new Database(join(directory, "store.sqlite"), { readonly: true });
        const statuses = db.prepare("SELECT DISTINCT status_code FROM failures ORDER BY 1").pluck().all();
        db.close();
        expect(statuses).toEqual([400, 429, 500]);
        captured.length = 0;
        written.length = 0;
      });
    }
  }
});
