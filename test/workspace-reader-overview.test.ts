/**
 * `WorkspaceReader.overview()`: the aggregate counts `pllm status` shows agree
 * with the calls `calls()` lists one by one, on a workspace made by real runs
 * in every strategy; tokens of ended sessions come from the tallies written when
 * they ended, of open ones from their answers, and both agree with `usage()`.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type CallStatus, InputError, Parallellm } from "../src/index.js";
import { type FakeProviderServer, MockProvider, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";
import { makeMixedWorkspace } from "./mixed-workspace.js";

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());

it("counts calls by status, model and agent exactly as calls() lists them; sessions, batches, failures and spend", async () => {
  const directory = await makeMixedWorkspace(server);
  await using reader = await Parallellm.inspect(directory);
  const overview = await reader.overview({ sessions: 3, agents: 4, failures: 1 });

  const byStatus: Record<CallStatus, number> = { answered: 0, pending: 0, failed: 0, unanswered: 0 };
  const byModel = new Map<string, Record<CallStatus, number>>();
  const byAgent = new Map<string, number>();
  for await (const call of reader.eachCall({ pageSize: 3 })) {
    byStatus[call.status]++;
    const key = `${call.provider}/${call.model}`;
    const line = byModel.get(key) ?? { answered: 0, pending: 0, failed: 0, unanswered: 0 };
    line[call.status]++;
    byModel.set(key, line);
    byAgent.set(call.agent, (byAgent.get(call.agent) ?? 0) + 1);
  }
  expect(overview.calls).toEqual(byStatus);
  expect(byStatus).toEqual({ answered: 11, pending: 2, failed: 1, unanswered: 0 });
  expect(
    Object.fromEntries(overview.models.map(({ provider, model, ...counts }) => [`${provider}/${model}`, counts])),
  ).toEqual(Object.fromEntries(byModel));
  expect(overview.models[0]).toMatchObject({ provider: "openai", model: "gpt-4.1-mini", answered: 5, pending: 2 });
  const ranked = [...byAgent].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  expect(overview.agents).toEqual({
    total: byAgent.size,
    top: ranked.slice(0, 4).map(([agent, calls]) => ({ agent, calls })),
  });

  expect(overview.sessionCount).toBe(6);
  expect(overview.sessions.map((session) => [session.id, session.strategy])).toEqual([
    [4, "hybrid"],
    [5, "dry-run"],
    [6, "batch"],
  ]);
  expect(overview.sessions).toEqual((await reader.sessions()).slice(3));
  expect(overview.running).toEqual([]);
  expect(overview.pendingBatches).toEqual((await reader.batches()).filter((batch) => batch.state === "pending"));
  expect(overview.pendingBatches).toHaveLength(1);
  expect(overview.failures).toEqual((await reader.failures()).slice(0, 1));
  expect(overview.failures[0]).toMatchObject({ agent: "judge-2", message: expect.stringContaining("No jokes today.") });

  const cost = await reader.cost();
  const usage = await reader.usage();
  expect(overview.spent.allTime).toEqual({
    answers: usage.reduce((sum, row) => sum + row.answers, 0),
    inputTokens: usage.reduce((sum, row) => sum + row.inputTokens, 0),
    outputTokens: usage.reduce((sum, row) => sum + row.outputTokens, 0),
    uncounted: 0,
    cost: cost.allTime.total,
  });
  // claude-sonnet-4-6 has no built-in price: the total is unknown, never a made-up sum.
  expect(overview.spent.allTime.cost).toBeUndefined();
  // The last session only submitted a batch: nothing stored, nothing spent.
  expect(overview.spent.lastSession).toEqual({ answers: 0, inputTokens: 0, outputTokens: 0, uncounted: 0, cost: 0 });

  await expect(reader.overview({ agents: -1 })).rejects.toThrow(
    new InputError("overview({ agents }) takes a whole number of rows to list (0 or more), got -1."),
  );
});

it("counts a session still open from its answers and an ended one from its tally, the same as usage()", async () => {
  const directory = tempWorkspace();
  const options = { llm: "mock-1", providers: { mock: new MockProvider() }, summary: false } as const;
  const ask = (pllm: Parallellm, agent: string, count: number) =>
    pllm.agent(agent, async (it) => {
      for (let index = 0; index < count; index++) await it.ask(`question ${index}`).text();
    });
  const first = await Parallellm.open(directory, options);
  await ask(first, "early", 3);
  await first.close();
  const second = await Parallellm.open(directory, options);
  await ask(second, "late", 2);

  const spentMatchesUsage = async (expected: { answers: number[]; running: number[] }) => {
    await using reader = await Parallellm.inspect(directory);
    const overview = await reader.overview();
    const usage = await reader.usage();
    expect(overview.running).toEqual(expected.running);
    expect(overview.sessions.map((session) => session.answers)).toEqual(expected.answers);
    expect(overview.spent.allTime).toMatchObject({
      answers: 5,
      inputTokens: usage.reduce((sum, row) => sum + row.inputTokens, 0),
      outputTokens: usage.reduce((sum, row) => sum + row.outputTokens, 0),
    });
    expect(overview.spent.lastSession?.answers).toBe(2);
  };
  await spentMatchesUsage({ answers: [3, 2], running: [2] });
  await second.close();
  await spentMatchesUsage({ answers: [3, 2], running: [] });

  const db = new Database(join(directory, "store.sqlite"), { readonly: true });
  expect(db.prepare("SELECT session, model, answers FROM session_usage ORDER BY session").raw().all()).toEqual([
    [1, "mock-1", 3],
    [2, "mock-1", 2],
  ]);
  db.close();
});

it("ranks agents by calls, ties in SQLite's order of names (UTF-8 bytes, not UTF-16 units)", async () => {
  const directory = tempWorkspace();
  const pllm = await Parallellm.open(directory, {
    llm: "mock-1",
    providers: { mock: new MockProvider() },
    summary: false,
  });
  // In UTF-16 "a😀" (a surrogate pair, 0xD83D…) sorts before "a\uFFFD"; in UTF-8 (0xF0… after 0xEF…) after it.
  for (const [agent, calls] of [
    ["b", 1],
    ["a😀", 1],
    ["a\uFFFD", 1],
    ["a", 1],
    ["most", 2],
  ] as const) {
    await pllm.agent(agent, async (it) => {
      for (let index = 0; index < calls; index++) await it.ask(`question ${index}`).text();
    });
  }
  await pllm.close();
  await using reader = await Parallellm.inspect(directory);
  const db = new Database(join(directory, "store.sqlite"), { readonly: true });
  const inSql = db
    .prepare("SELECT agent, count(*) AS calls FROM calls GROUP BY agent ORDER BY calls DESC, agent LIMIT 4")
    .all();
  db.close();
  expect(inSql).toEqual([
    { agent: "most", calls: 2 },
    { agent: "a", calls: 1 },
    { agent: "a\uFFFD", calls: 1 },
    { agent: "a😀", calls: 1 },
  ]);
  expect((await reader.overview({ agents: 4 })).agents).toEqual({ total: 5, top: inSql });
  expect((await reader.overview({ agents: 0 })).agents).toEqual({ total: 5, top: [] });
});
