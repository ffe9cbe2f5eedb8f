/**
 * `Parallellm.open` refuses what cannot be right before it touches the disk:
 * a workspace path that is empty or blank (which would make the current
 * directory a workspace), an unknown model or provider, and options of the
 * wrong type — as the README says, at open rather than at the first ask.
 */
import { existsSync, readdirSync } from "node:fs";
import { dirname } from "node:path";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { InputError, Parallellm, type ParallellmOptions } from "../src/index.js";
import { createOpenAIProvider } from "../src/openai.js";
import { createMemoryStore, MockProvider } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

const loose = (options: Record<string, unknown>) => options as ParallellmOptions;

describe("the workspace directory", () => {
  it.each([
    ["an empty string", ""],
    ["whitespace", "  \t"],
    ["a path with surrounding spaces", " .pllm/x "],
    ["a number", 42],
    ["undefined", undefined],
  ])("refuses %s and creates nothing", async (_name, directory) => {
    const before = readdirSync(process.cwd());
    await expect(Parallellm.open(directory as string, { summary: false })).rejects.toThrow(InputError);
    await expect(Parallellm.open(directory as string, { summary: false })).rejects.toThrow(/workspace directory/);
    expect(readdirSync(process.cwd())).toEqual(before);
  });
});

describe("models and providers", () => {
  it("refuses an unknown model at open, naming how to name the provider", async () => {
    const directory = tempWorkspace();
    await expect(Parallellm.open(directory, { llm: "gtp-4o", summary: false })).rejects.toThrow(
      /Unknown model "gtp-4o".*openai:gtp-4o/,
    );
    expect(existsSync(directory)).toBe(false);
  });

  it("refuses an unknown provider, and a model of a provider that is not registered", async () => {
    await expect(Parallellm.open(tempWorkspace(), loose({ provider: "opnai", summary: false }))).rejects.toThrow(
      /Unknown provider "opnai".*did you mean "openai"\?/,
    );
    await expect(Parallellm.open(tempWorkspace(), { llm: "mock-1", summary: false })).rejects.toThrow(
      /Unknown model "mock-1": no registered provider \(openai, anthropic, google\) claims it.*register/,
    );
  });

  it("refuses a provider registered under a name that is not its own, and settings it would ignore", async () => {
    await expect(
      Parallellm.open(tempWorkspace(), { providers: { fast: createOpenAIProvider() }, summary: false }),
    ).rejects.toThrow(/`providers\.fast` is a provider named "openai".*createOpenAIProvider\(\{ name: "fast"/);
    const standIn = { openai: new MockProvider({ name: "openai" }) };
    await expect(
      Parallellm.open(tempWorkspace(), {
        providers: standIn,
        clients: { openai: new OpenAI({ apiKey: "k" }) },
        summary: false,
      }),
    ).rejects.toThrow(/`clients\.openai` would be ignored: "openai" is a provider you registered/);
    await expect(
      Parallellm.open(tempWorkspace(), {
        providers: standIn,
        batch: { limits: { openai: { maxRequests: 5 } } },
        summary: false,
      }),
    ).rejects.toThrow(/`batch\.limits\.openai` would be ignored/);
    const twoClaims = { one: new MockProvider({ name: "one" }), mock: new MockProvider() };
    expect(twoClaims.one.modelPrefixes).toEqual([]);
    const pllm = await Parallellm.open(tempWorkspace(), { providers: twoClaims, llm: "mock-1", summary: false });
    await pllm.close();
  });

  it("refuses an unknown model in agent defaults before the agent runs", async () => {
    const pllm = await Parallellm.open(tempWorkspace(), {
      llm: "mock-1",
      providers: { mock: new MockProvider() },
      summary: false,
    });
    let ran = false;
    await expect(
      pllm.agent("a", { llm: "claud-3" }, () => {
        ran = true;
      }),
    ).rejects.toThrow(/Unknown model "claud-3"/);
    expect(ran).toBe(false);
    await pllm.close();
  });
});

describe("a store passed in", () => {
  it("refuses lock, which only the workspace's own SQLite store takes, before opening anything", async () => {
    const directory = tempWorkspace();
    const store = createMemoryStore();
    await expect(Parallellm.open(directory, { store, lock: "wait", summary: false })).rejects.toThrow(
      /`lock` applies to the workspace's own SQLite store, which `store` replaces.*Remove `lock`/,
    );
    expect(existsSync(directory)).toBe(false);
  });
});

describe("types of open options", () => {
  it.each([
    [{ maxConcurrency: 0 }, /Expected `maxConcurrency` to be a whole number from 1 up, got `0`/],
    [{ maxConcurrency: "8" }, /Expected `maxConcurrency` to be a whole number from 1 up, got "8" \(string\)/],
    [{ onError: "ignore" }, /Expected `onError` to be "throw" or "record", got "ignore"/],
    [{ strict: "yes" }, /Expected `strict` to be true or false/],
    [{ lock: "block" }, /Expected `lock` to be "fail" or "wait"/],
    [{ summary: "stderr" }, /Expected `summary` to be true, false or a function/],
    [{ dashboard: 1 }, /Expected `dashboard` to be true, false or \{ stream, plainIntervalMs \}/],
    [{ handleSignals: { graceMs: -1 } }, /Expected `handleSignals\.graceMs` to be a number from 0 up/],
    [{ retry: { maxAttempts: 0 } }, /Expected `retry\.maxAttempts` to be a whole number from 1 up/],
    [{ retry: { maxDelayMs: "1s" } }, /Expected `retry\.maxDelayMs` to be a number from 0 up/],
    [{ cohortLock: 1 }, /Expected `cohortLock` to be true or false/],
    [{ keepRaw: "no" }, /Expected `keepRaw` to be true or false/],
    [{ pricesFile: 3 }, /Expected `pricesFile` to be a string/],
    [{ prices: { m: { input: "1" } } }, /Expected `prices\["m"\]\.input` to be a number from 0 up/],
    [{ batch: { confirm: "yes" } }, /Expected `batch\.confirm` to be true or false/],
    [
      { batch: { limits: { openai: { maxRequests: 0 } } } },
      /Expected `batch\.limits\.openai\.maxRequests` to be a whole number from 1 up/,
    ],
    [
      { providers: { mock: {} } },
      /Expected `providers\.mock` to be a provider \(an object with a name and generate\(\)\)/,
    ],
    [{ store: {} }, /Expected `store` to be a store/],
    [{ temperature: "hot" }, /Expected `temperature` to be a finite number/],
    [{ providerOptions: 5 }, /Expected `providerOptions` to be an object/],
    [{ retryInvalid: -1 }, /Expected `retryInvalid` to be a whole number from 0 up/],
  ])("refuses %o", async (options, message) => {
    const directory = tempWorkspace();
    const opening = Parallellm.open(
      directory,
      loose({ llm: "mock-1", providers: { mock: new MockProvider() }, summary: false, ...options }),
    );
    await expect(opening).rejects.toThrow(InputError);
    await expect(opening).rejects.toThrow(message);
    expect(existsSync(dirname(directory)) && existsSync(directory)).toBe(false);
  });
});
