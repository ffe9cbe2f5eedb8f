/**
 * `ignoreCache` (send again, keep replaying the stored answer) and
 * `rewriteCache` (send again and replace it) work wherever they are set: for
 * the whole run at open, as agent defaults, and per ask. Through the official
 * SDK and the fake provider server.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CallDefaults, Parallellm, type ParallellmOptions } from "../src/index.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;
let version = 0;

beforeAll(async () => {
  server = await startFakeProviderServer();
  server.script({ match: "Which version?", reply: () => `version ${++version}` });
});
afterAll(() => server.close());

type Level = "open" | "agent" | "ask";

/** One run asking "Which version?" once, with `flags` set at `level`. */
async function run(directory: string, level: Level, flags: CallDefaults = {}, options: ParallellmOptions = {}) {
  const before = server.requests.length;
  const pllm = await Parallellm.open(directory, {
    llm: "gpt-4.1-mini",
    clients: server.clientsFor(),
    summary: false,
    ...(level === "open" ? flags : {}),
    ...options,
  });
  const text = await pllm.agent("a", level === "agent" ? flags : {}, (agent) =>
    agent.ask("Which version?", level === "ask" ? flags : {}).text(),
  );
  const summary = await pllm.close();
  return { text, sent: server.requests.length - before, summary };
}

describe.each(["open", "agent", "ask"] as const)("set at %s", (level) => {
  it("ignoreCache sends again and keeps replaying the stored answer", async () => {
    const directory = tempWorkspace();
    const first = await run(directory, level);
    expect(first.sent).toBe(1);
    const ignoring = await run(directory, level, { ignoreCache: true });
    expect(ignoring.sent).toBe(1);
    expect(ignoring.text).not.toBe(first.text);
    expect(await run(directory, level)).toMatchObject({ text: first.text, sent: 0 });
  });

  it("rewriteCache sends again and replaces the stored answer", async () => {
    const directory = tempWorkspace();
    const first = await run(directory, level);
    const rewriting = await run(directory, level, { rewriteCache: true });
    expect(rewriting.sent).toBe(1);
    expect(rewriting.text).not.toBe(first.text);
    expect(await run(directory, level)).toMatchObject({ text: rewriting.text, sent: 0 });
  });
});

it("an ask can turn off what the run set", async () => {
  const directory = tempWorkspace();
  const first = await run(directory, "open");
  const pllm = await Parallellm.open(directory, {
    llm: "gpt-4.1-mini",
    clients: server.clientsFor(),
    summary: false,
    rewriteCache: true,
  });
  const before = server.requests.length;
  const text = await pllm.agent("a", (agent) => agent.ask("Which version?", { rewriteCache: false }).text());
  await pllm.close();
  expect({ text, sent: server.requests.length - before }).toEqual({ text: first.text, sent: 0 });
});

it("dry-run sends nothing, even with ignoreCache or rewriteCache set for the run: the calls are counted", async () => {
  const directory = tempWorkspace();
  await run(directory, "open");
  for (const flags of [{ ignoreCache: true }, { rewriteCache: true }]) {
    const dry = await run(directory, "open", flags, { strategy: "dry-run" });
    expect(dry.sent).toBe(0);
    expect(dry.text).toBeUndefined();
    expect(dry.summary).toMatchObject({ sent: 0, collected: 1 });
    expect(dry.summary.dryRun?.[0]?.calls).toBe(1);
  }
});

it("batch sends such asks directly (a batch answer would come in a later run, which would ask again)", async () => {
  const directory = tempWorkspace();
  const first = await run(directory, "open");
  const rewriting = await run(directory, "open", { rewriteCache: true }, { strategy: "batch" });
  expect(rewriting).toMatchObject({ sent: 1 });
  expect(rewriting.text).not.toBe(first.text);
  expect(rewriting.summary).toMatchObject({ sent: 1, collected: 0 });
});
