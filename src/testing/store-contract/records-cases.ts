/** Contract cases: conversations, usage (all and per session, with overlapping sessions), userdata and close. */
import assert from "node:assert/strict";
import type { ConversationNodeRecord, UsageRow } from "../../store/store.js";
import { answer, callKey, type MakeStore, type StoreTestApi, sortedBy, withStore } from "./store-fixtures.js";

function node(id: string, parentId: string | undefined, details: Partial<ConversationNodeRecord> = {}) {
  return {
    id,
    agent: "chat",
    conversation: "main",
    parentId,
    message: JSON.stringify({ role: "user", content: id }),
    call: undefined,
    session: 1,
    createdAt: 100,
    ...details,
  } satisfies ConversationNodeRecord;
}

export function conversationCases(makeStore: MakeStore, test: StoreTestApi): void {
  test.describe("conversations", () => {
    test.it("nodes load oldest first with their calls; a node saved again is kept; heads move", async () => {
      await withStore(makeStore, async (store) => {
        const reply = callKey("chat", "hash-reply");
        await store.saveResponse(answer(reply));
        const question = node("n1", undefined);
        const replyNode = node("n2", "n1", { call: reply, message: JSON.stringify({ role: "assistant" }) });
        const head = (branch: string, nodeId: string) => ({ agent: "chat", conversation: "main", branch, nodeId });
        await store.saveConversation([question, replyNode], [head("main", "n2")]);
        // The same history rebuilt (n1 again, with another timestamp), then a fork from n1.
        const fork = node("n3", "n1", { session: 2 });
        await store.saveConversation([{ ...question, createdAt: 999 }, fork], [head("main", "n3"), head("side", "n2")]);
        await store.saveConversation([node("x1", undefined, { conversation: "other" })], []);

        const loaded = await store.loadConversation("chat", "main");
        assert.deepEqual(loaded.nodes, [question, replyNode, fork]);
        assert.deepEqual(
          sortedBy(loaded.heads, (row) => row.branch),
          [head("main", "n3"), head("side", "n2")],
        );
        assert.deepEqual(await store.loadConversation("chat", "none"), { nodes: [], heads: [] });
        assert.deepEqual(await store.loadConversation("someone-else", "main"), { nodes: [], heads: [] });
      });
    });
  });
}

/** The rows of `usage` in a stable order. */
function byGroup(rows: readonly UsageRow[]): UsageRow[] {
  return sortedBy(rows, (row) => `${row.model}/${row.agent}/${row.session}/${row.viaBatch}`);
}

const usageRow = (row: Partial<UsageRow> & Pick<UsageRow, "session" | "answers">): UsageRow => ({
  model: "gpt-4.1-mini",
  agent: undefined,
  viaBatch: false,
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  uncounted: 0,
  ...row,
});

export function usageCases(makeStore: MakeStore, test: StoreTestApi): void {
  test.describe("usage", () => {
    test.it(
      "counts every answer received (replaced and kept ones too), by model, agent, session and batch",
      async () => {
        await withStore(makeStore, async (store) => {
          const tokens = { inputTokens: 100, outputTokens: 10, cachedInputTokens: 40 };
          await store.saveResponse(answer(callKey("a"), { session: 1, ...tokens }));
          await store.saveResponse(answer(callKey("a"), { session: 1, ...tokens, mode: "keep" }));
          await store.saveResponse(answer(callKey("b"), { session: 1, ...tokens, viaBatch: true }));
          await store.saveResponse(answer(callKey("b", "hash-2"), { session: 2, model: "gpt-4.1", outputTokens: 5 }));
          await store.discardAnswers([callKey("a")]);
          assert.deepEqual(
            byGroup(await store.usage()),
            byGroup([
              usageRow({
                agent: "a",
                session: 1,
                answers: 2,
                inputTokens: 200,
                outputTokens: 20,
                cachedInputTokens: 80,
              }),
              usageRow({ agent: "b", session: 1, answers: 1, viaBatch: true, ...tokens }),
              // Without an input token count (as Gemini's direct embeddings come): counted apart.
              usageRow({ model: "gpt-4.1", agent: "b", session: 2, answers: 1, outputTokens: 5, uncounted: 1 }),
            ]),
          );
          assert.deepEqual(
            byGroup(await store.usage(1)),
            byGroup([
              usageRow({ session: 1, answers: 2, inputTokens: 200, outputTokens: 20, cachedInputTokens: 80 }),
              usageRow({ session: 1, answers: 1, viaBatch: true, ...tokens }),
            ]),
          );
          assert.deepEqual(await store.usage(3), []);
        });
      },
    );

    test.it("overlapping sessions: each session's usage and answered count are its own answers", async () => {
      await withStore(makeStore, async (store) => {
        // Two writers share the store: session 2 begins before session 1 has stored anything,
        // then they store in turns, then session 3 begins.
        const one = await store.beginSession({ strategy: "sync", pid: 1, startedAt: 1 });
        const two = await store.beginSession({ strategy: "sync", pid: 2, startedAt: 2 });
        await store.saveResponse(answer(callKey("b"), { session: two, inputTokens: 1 }));
        await store.saveResponse(answer(callKey("a"), { session: one, inputTokens: 10 }));
        await store.saveResponse(answer(callKey("c"), { session: two, inputTokens: 1 }));
        const three = await store.beginSession({ strategy: "sync", pid: 3, startedAt: 3 });
        await store.saveResponse(answer(callKey("d"), { session: one, inputTokens: 10 }));
        await store.saveResponse(answer(callKey("e"), { session: three, inputTokens: 100 }));
        assert.deepEqual(await store.usage(one), [usageRow({ session: one, answers: 2, inputTokens: 20 })]);
        assert.deepEqual(await store.usage(two), [usageRow({ session: two, answers: 2, inputTokens: 2 })]);
        assert.deepEqual(await store.usage(three), [usageRow({ session: three, answers: 1, inputTokens: 100 })]);
        if (store.answeredCount) {
          assert.deepEqual(await store.answeredCount(one), { total: 5, earlier: 0 });
          assert.deepEqual(await store.answeredCount(two), { total: 5, earlier: 2 });
          assert.deepEqual(await store.answeredCount(three), { total: 5, earlier: 4 });
        }
      });
    });
  });
}

export function userdataCases(makeStore: MakeStore, test: StoreTestApi): void {
  test.describe("userdata and close", () => {
    test.it("userdata: undefined until saved, then the latest value of each key", async () => {
      await withStore(makeStore, async (store) => {
        assert.equal(await store.loadUserdata("progress"), undefined);
        await store.saveUserdata("progress", '{"page":1}', 1);
        await store.saveUserdata("other", "[]", 1);
        await store.saveUserdata("progress", '{"page":2}', 2);
        assert.equal(await store.loadUserdata("progress"), '{"page":2}');
        assert.equal(await store.loadUserdata("other"), "[]");
      });
    });

    test.it("close first commits the answers still being saved", async () => {
      const store = await makeStore();
      const saved = store.saveResponse(answer(callKey("a")));
      await store.close();
      assert.equal(typeof (await saved), "number");
    });
  });
}
