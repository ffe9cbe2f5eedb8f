/**
 * `WorkspaceReader.overview()`: the aggregate counts `pllm status` shows agree
 * with the calls `calls()` lists one by one, on a workspace made by real runs
 * in every strategy.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { type CallStatus, InputError, Parallellm } from "../src/index.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
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
  expect(overview.running).toBeUndefined();
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
    cost: cost.allTime.total,
  });
  // claude-sonnet-4-6 has no built-in price: the total is unknown, never a made-up sum.
  expect(overview.spent.allTime.cost).toBeUndefined();
  // The last session only submitted a batch: nothing stored, nothing spent.
  expect(overview.spent.lastSession).toEqual({ answers: 0, inputTokens: 0, outputTokens: 0, cost: 0 });

  await expect(reader.overview({ agents: -1 })).rejects.toThrow(
    new InputError("overview({ agents }) takes a whole number of rows to list (0 or more), got -1."),
  );
});
