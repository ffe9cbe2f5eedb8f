/**
 * Logging: a logger passed to `open` receives structured records of what the
 * library does (sends, retries, failures, batches, replays, rate-limit waits),
 * filtered by `logLevel`; by default, warnings go to stderr one line each;
 * `silent` prints nothing. No record holds an API key or a prompt.
 */
import { existsSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Logger, type LogLevel, Parallellm, type ParallellmOptions } from "../src/index.js";
import { type FakeProviderServer, fakeProviderClients, startFakeProviderServer } from "../src/testing/index.js";
import { runPllm, tempWorkspace } from "./helpers.js";

/** Found in any record, a key leaked. */
const canary = "LOGCANARY";
const apiKey = `sk-proj-${canary}-5f2c9e7d1a4b8c3e`;
const prompts = { calm: "A calm question.", busy: "A busy question.", bad: "A bad question." };

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer({ apiKeys: { openai: apiKey } });
});
afterAll(() => server.close());
beforeEach(() => server.setBatchBehavior({}));

interface LogRecord {
  readonly level: Exclude<LogLevel, "silent">;
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/** A logger that keeps every record it is given. */
function captureLogger(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const at =
    (level: LogRecord["level"]) =>
    (fields: object, message: string): void => {
      records.push({ level, message, fields: fields as Record<string, unknown> });
    };
  return { logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") }, records };
}

const named = (records: readonly LogRecord[], message: string) =>
  records.filter((record) => record.message === message);

/** No record holds the API key or a prompt's text (records carry sizes, never contents). */
function expectNoSecretsOrContents(records: readonly LogRecord[]): void {
  const text = JSON.stringify(records);
  expect(text).not.toContain(canary);
  for (const prompt of Object.values(prompts)) expect(text).not.toContain(prompt);
}

function options(logger: Logger, settings: ParallellmOptions): ParallellmOptions {
  return {
    llm: "gpt-4.1-mini",
    clients: fakeProviderClients(server.url, { openai: apiKey }),
    summary: false,
    onError: "record",
    retry: { initialDelayMs: 1, maxDelayMs: 2 },
    logger,
    ...settings,
  };
}

/** Three agents: one answered at once, one after two 429s, one refused for good (400). */
const threeAgents = (pllm: Parallellm) =>
  pllm.forEach(
    Object.entries(prompts),
    ([name]) => name,
    ([, prompt], agent) => agent.ask(prompt).text(),
  );

describe("a logger passed to open", () => {
  it("gets sends and receives, retries, a failure, the session, then replays and the failure again at debug", async () => {
    const directory = tempWorkspace();
    server.failNext({ status: 429, times: 2, match: "A busy question.", retryAfterMs: 1 });
    server.failNext({ status: 400, match: "A bad question.", message: "Nothing bad here." });
    const first = captureLogger();
    await Parallellm.run(directory, options(first.logger, { logLevel: "debug", strategy: "async" }), threeAgents);
    const { records } = first;

    const sends = named(records, "send");
    expect(sends.map((record) => [record.fields.agent, record.fields.attempt]).sort()).toEqual([
      ["bad", 1],
      ["busy", 1],
      ["busy", 2],
      ["busy", 3],
      ["calm", 1],
    ]);
    for (const send of sends) {
      expect(send).toMatchObject({
        level: "debug",
        fields: { session: 1, provider: "openai", model: "gpt-4.1-mini", call: expect.stringMatching(/^[\w-]{12}#0$/) },
      });
      expect(send.fields.requestChars).toBeGreaterThan(prompts.calm.length);
    }
    const received = named(records, "receive");
    expect(received.map((record) => record.fields.agent).sort()).toEqual(["busy", "calm"]);
    expect(received.find((record) => record.fields.agent === "busy")?.fields).toMatchObject({
      attempt: 3,
      finishReason: "stop",
      inputTokens: expect.any(Number),
      outputTokens: expect.any(Number),
      textChars: expect.any(Number),
      durationMs: expect.any(Number),
    });

    const retries = named(records, "retrying after a transient error");
    expect(retries).toEqual(
      [1, 2].map((attempt) => ({
        level: "warn",
        message: "retrying after a transient error",
        fields: expect.objectContaining({ agent: "busy", provider: "openai", attempt, status: 429, retryInMs: 1 }),
      })),
    );
    expect(retries[0].fields.error).toMatch(/429/);

    const failed = named(records, "call failed");
    expect(failed).toEqual([
      {
        level: "warn",
        message: "call failed",
        fields: expect.objectContaining({
          agent: "bad",
          attempt: 1,
          status: 400,
          error: expect.stringContaining("Nothing bad here."),
        }),
      },
    ]);
    expect(named(records, "session opened")).toEqual([
      { level: "info", message: "session opened", fields: expect.objectContaining({ session: 1, strategy: "async" }) },
    ]);
    expect(named(records, "session closed")[0].fields).toMatchObject({
      session: 1,
      asked: 3,
      sent: 3,
      received: 2,
      failed: 1,
      durationMs: expect.any(Number),
    });
    // One id per call, the same in every record of it.
    const callOf = (agent: string) =>
      new Set(records.filter((record) => record.fields.agent === agent).map((record) => record.fields.call));
    expect(callOf("busy").size).toBe(1);

    const second = captureLogger();
    await Parallellm.run(directory, options(second.logger, { logLevel: "debug", strategy: "async" }), threeAgents);
    expect(named(second.records, "send")).toEqual([]);
    const replayed = named(second.records, "replayed");
    expect(replayed.map((record) => record.fields.agent).sort()).toEqual(["busy", "calm"]);
    expect(replayed.find((record) => record.fields.agent === "busy")?.fields.call).toEqual([...callOf("busy")][0]);
    expect(named(second.records, "failed for good in an earlier run; not sent again (retryFailed sends it)")).toEqual([
      expect.objectContaining({ level: "warn", fields: expect.objectContaining({ agent: "bad", status: 400 }) }),
    ]);
    expectNoSecretsOrContents([...records, ...second.records]);
  });

  it("gets a batch submitted, then ingested, at info, and nothing at debug", async () => {
    const directory = tempWorkspace();
    const first = captureLogger();
    await Parallellm.run(directory, options(first.logger, { logLevel: "info", strategy: "batch" }), threeAgents);
    expect(first.records.filter((record) => record.level === "debug")).toEqual([]);
    const [submitted] = named(first.records, "batch submitted");
    expect(submitted.fields).toMatchObject({
      session: 1,
      batch: expect.stringMatching(/^pllm-s1-/),
      provider: "openai",
      model: "gpt-4.1-mini",
      requests: 3,
      providerBatchId: expect.any(String),
    });

    const second = captureLogger();
    await Parallellm.run(directory, options(second.logger, { logLevel: "info", strategy: "batch" }), threeAgents);
    expect(named(second.records, "batch ingested")).toEqual([
      {
        level: "info",
        message: "batch ingested",
        fields: expect.objectContaining({ session: 2, batch: submitted.fields.batch, status: "completed", answers: 3 }),
      },
    ]);
    expect(named(second.records, "session opened")[0].fields).toMatchObject({ batchesIngested: 1, answersIngested: 3 });
    expectNoSecretsOrContents([...first.records, ...second.records]);
  });

  it("gets a batch that failed as a whole at warn", async () => {
    const directory = tempWorkspace();
    server.setBatchBehavior({ outcome: "failed" });
    const { logger, records } = captureLogger();
    const run = options(logger, { logLevel: "warn", strategy: "batch" });
    await Parallellm.run(directory, run, threeAgents);
    await Parallellm.run(directory, run, threeAgents).catch(() => {});
    expect(named(records, "batch failed")).toEqual([
      expect.objectContaining({
        level: "warn",
        fields: expect.objectContaining({ provider: "openai", status: "failed" }),
      }),
    ]);
    expect(records.every((record) => record.level === "warn" || record.level === "error")).toBe(true);
  });

  it("is told when calls begin to wait for a rate limit, once per stretch of waiting", async () => {
    const { logger, records } = captureLogger();
    const limited = options(logger, { logLevel: "info", limits: { openai: { requests: 1, perMs: 150 } } });
    await Parallellm.run(tempWorkspace(), limited, (pllm) =>
      pllm.forEach(
        [1, 2, 3],
        (n) => `limited-${n}`,
        (n, agent) => agent.ask(`Limited ${n}.`).text(),
      ),
    );
    const waits = named(records, "waiting for a rate limit");
    expect(waits).toEqual([
      {
        level: "info",
        message: "waiting for a rate limit",
        fields: expect.objectContaining({ agent: "limited-2", provider: "openai", waitMs: expect.any(Number) }),
      },
    ]);
    expect(waits[0].fields.waitMs).toBeGreaterThan(0);
  });

  it("gets what makes the run fail at error: a key the provider refuses, a strict run that drifted", async () => {
    const refused = captureLogger();
    const wrongKey = fakeProviderClients(server.url, { openai: `sk-proj-${canary}-wrong-0a1b2c3d4e5f` });
    await Parallellm.run(
      tempWorkspace(),
      options(refused.logger, { logLevel: "error", clients: wrongKey }),
      threeAgents,
    );
    expect(refused.records).toEqual([
      {
        level: "error",
        message: "the provider refused the API key; nothing more is sent",
        fields: expect.objectContaining({ provider: "openai", error: expect.stringMatching(/401/) }),
      },
    ]);
    expectNoSecretsOrContents(refused.records);

    const directory = tempWorkspace();
    const drifted = captureLogger();
    const ask = (prompt: string) => (pllm: Parallellm) => pllm.agent("one", (agent) => agent.ask(prompt).text());
    await Parallellm.run(directory, options(drifted.logger, { logLevel: "error" }), ask(prompts.calm));
    const strict = options(drifted.logger, { logLevel: "error", strict: true });
    await expect(Parallellm.run(directory, strict, ask("Another question."))).rejects.toThrow(/^Strict replay failed/);
    expect(drifted.records).toEqual([
      {
        level: "error",
        message: "the run drifted (strict)",
        fields: { session: 2, error: expect.stringMatching(/^Strict replay failed/) },
      },
    ]);
  });

  it("gets only the records at or above logLevel; silent gets none", async () => {
    for (const level of ["error", "warn", "info", "silent"] as const) {
      server.failNext({ status: 429, match: "A busy question.", retryAfterMs: 1 });
      server.failNext({ status: 400, match: "A bad question." });
      const { logger, records } = captureLogger();
      await Parallellm.run(tempWorkspace(), options(logger, { logLevel: level }), threeAgents);
      const levels = new Set(records.map((record) => record.level));
      const expected = { error: [], warn: ["warn"], info: ["info", "warn"], silent: [] }[level];
      expect([...levels].sort(), level).toEqual(expected);
    }
  });
});

describe("the logging options are checked before the workspace is touched", () => {
  it.each([
    [{ logLevel: "verbose" }, /Expected `logLevel` to be "silent", "error", "warn", "info" or "debug", got "verbose"/],
    [
      { logger: { debug() {}, info() {}, error() {} } },
      /`logger` to have the methods debug, info, warn and error .* no warn method/,
    ],
    [{ logger: "stderr" }, /Expected `logger` to be a logger with debug, info, warn and error methods/],
  ])("%j is refused", async (bad, message) => {
    const directory = tempWorkspace();
    await expect(Parallellm.open(directory, bad as ParallellmOptions)).rejects.toThrow(message);
    expect(existsSync(directory)).toBe(false);
  });
});

describe("pllm run", () => {
  const pipeline = new URL("./fixtures/logging-pipeline.ts", import.meta.url).pathname;
  const pllm = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    server.failNext({ status: 429, match: "A busy question.", retryAfterMs: 1 });
    const workspace = tempWorkspace();
    const environment: NodeJS.ProcessEnv = {
      ...process.env,
      OPENAI_API_KEY: apiKey,
      OPENAI_BASE_URL: `${server.url}/v1`,
      PLLM_TEST_WORKSPACE: workspace,
    };
    delete environment.PLLM_LOG_LEVEL;
    return runPllm(["run", pipeline, ...args], { ...environment, ...env });
  };
  const timestamp = String.raw`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`;

  it("prints warnings on stderr by default, one line each; --log-level silent with --quiet prints nothing", async () => {
    const loud = await pllm([]);
    expect(loud.code).toBe(0);
    const lines = loud.stderr.split("\n").filter((line) => /^\d{4}-/.test(line));
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${timestamp} WARN  retrying after a transient error session=1 agent=busy call=[\\w-]{12}#0 provider=openai model=gpt-4\\.1-mini attempt=1 status=429 error=".*429.*" retryInMs=1$`,
        ),
      ),
    ]);
    // The summary is still there, and is not a log record.
    expect(loud.stderr).toMatch(/^ {2}calls {5}2 asked/m);
    expect(loud.stderr).not.toContain(canary);

    const silent = await pllm(["--log-level", "silent", "--quiet"]);
    expect(silent.code).toBe(0);
    expect(silent.stderr).toBe("");
    expect(JSON.parse(silent.stdout)).toHaveLength(2);
  }, 120_000);

  it("takes the level from PLLM_LOG_LEVEL; --log-level wins over it; a bad level is refused", async () => {
    const info = await pllm(["--quiet"], { PLLM_LOG_LEVEL: "info" });
    expect(info.code).toBe(0);
    expect(info.stderr).toMatch(new RegExp(`^${timestamp} INFO  session opened session=1 strategy=async`, "m"));
    expect(info.stderr).toMatch(
      / INFO {2}session closed session=1 durationMs=\d+ asked=2 replayed=0 sent=2 received=2/,
    );
    const quietened = await pllm(["--quiet", "--log-level", "error"], { PLLM_LOG_LEVEL: "debug" });
    expect(quietened.stderr).toBe("");

    const badFlag = await pllm(["--log-level", "verbose"]);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('--log-level must be one of silent, error, warn, info, debug, got "verbose".');
    const badVariable = await pllm([], { PLLM_LOG_LEVEL: "loud" });
    expect(badVariable.code).toBe(1);
    expect(badVariable.stderr).toContain(
      'The environment variable PLLM_LOG_LEVEL is "loud"; set it to one of silent, error, warn, info, debug, or unset it',
    );
  }, 120_000);
});
