/**
 * The reader's status filter against where each call stands: each status lists
 * exactly the calls an unfiltered listing says are in it, on a workspace made by
 * real runs that holds all four (an unanswered call is one whose answer was
 * taken back). Each status reads its identities from the tables it can
 * come from, so this is what keeps those sources whole.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { type CallStatus, Parallellm } from "../src/index.js";
import { openWorkspaceStore } from "../src/store/sqlite/open-workspace-store.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());

it("lists under each status exactly the calls that stand there", async () => {
  const directory = tempWorkspace();
  const options = { clients: server.clientsFor(), summary: false, onError: "record", llm: "gpt-4.1-mini" } as const;
  const ask = (names: readonly string[]) => (pllm: Parallellm) =>
    pllm.forEach(
      names,
      (name) => name,
      (name, agent) => agent.ask(`Describe ${name}.`).text(),
    );
  server.failNext({ status: 400, message: "Not this one.", match: "Describe f-1.", provider: "openai" });
  await Parallellm.run(directory, { ...options, strategy: "async" }, ask(["a-1", "f-1"]));
  await Parallellm.run(directory, { ...options, strategy: "async" }, ask(["u-1", "u-2"]));
  // What a batch whose results contradict each other leaves (sync-batches' withdrawn answers): an answer taken back.
  const store = await openWorkspaceStore(directory, "change");
  await using before = await Parallellm.inspect(directory);
  const [taken] = (await before.calls({ agent: "u-2" })).calls;
  const signature = await before.changes();
  expect(await store.discardAnswers([taken!])).toBe(1);
  await store.close();
  // A live view hears of it: the answer taken back adds no row, yet the signature changes.
  expect(await before.changes()).not.toBe(signature);
  const unanswered = await statusesListed(directory);
  expect(unanswered).toEqual({
    answered: ["a-1", "u-1"],
    pending: [],
    failed: ["f-1"],
    unanswered: ["u-2"],
  });
  await Parallellm.run(directory, { ...options, strategy: "batch" }, ask(["p-1"]));
  expect(await statusesListed(directory)).toEqual({ ...unanswered, pending: ["p-1"] });
});

/** The agents of the calls under each status, checked against the status filter of `calls` (alone and with an agent glob). */
async function statusesListed(directory: string): Promise<Partial<Record<CallStatus, string[]>>> {
  await using reader = await Parallellm.inspect(directory);
  const all = (await reader.calls()).calls;
  const listed: Partial<Record<CallStatus, string[]>> = {};
  for (const status of ["answered", "pending", "failed", "unanswered"] as const) {
    const standing = all.filter((call) => call.status === status);
    expect([status, (await reader.calls({ status })).calls]).toEqual([status, standing]);
    const ofU = standing.filter((call) => call.agent.startsWith("u-"));
    expect([status, (await reader.calls({ status, agent: "u-*" })).calls]).toEqual([status, ofU]);
    listed[status] = standing.map((call) => call.agent);
  }
  return listed;
}
