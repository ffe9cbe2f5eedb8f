/** Contract cases: sessions, answers (lookup, replace and keep, discard) and the answered calls. */
import assert from "node:assert/strict";
import { answerKey, type CallKey, type Store, type StoredAnswer } from "../../store/store.js";
import { answer, callKey, type MakeStore, type StoreTestApi, withStore } from "./store-fixtures.js";

/** The stored answer of `key`, through every read path the store has; they must agree. */
async function lookupEverywhere(store: Store, key: CallKey): Promise<StoredAnswer | undefined> {
  const stored = await store.lookup(key);
  if (store.lookupSync) assert.deepEqual(plain(store.lookupSync(key)), plain(stored), "lookupSync agrees with lookup");
  if (store.agentAnswersSync) {
    const fromScan = store.agentAnswersSync(key.agent).get(key.hash)?.[key.occurrence];
    assert.deepEqual(plain(fromScan), plain(stored), "agentAnswersSync agrees with lookup");
  }
  if (store.agentAnswers) {
    const fromRead = (await store.agentAnswers(key.agent)).get(key.hash)?.[key.occurrence];
    assert.deepEqual(plain(fromRead), plain(stored), "agentAnswers agrees with lookup");
  }
  return stored;
}

/** The fields of a stored answer (a store may compute `result` on access, and keep it as JSON). */
export function plain(stored: StoredAnswer | undefined) {
  return (
    stored && {
      callId: stored.callId,
      session: stored.session,
      text: stored.text,
      result: asJson(stored.result),
      viaBatch: stored.viaBatch === true,
      inputTokens: stored.inputTokens,
    }
  );
}

/** `value` as it reads back from JSON (fields that are `undefined` left out). */
function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

export function sessionCases(makeStore: MakeStore, test: StoreTestApi): void {
  test.describe("sessions", () => {
    test.it("numbers sessions 1, 2, ... and tells the previous one's summary (undefined until it ends)", async () => {
      await withStore(makeStore, async (store) => {
        const first = await store.beginSession({ strategy: "sync", pid: 1, startedAt: 1000 });
        assert.equal(first, 1);
        assert.equal(await store.previousSession(first), undefined);
        const second = await store.beginSession({ strategy: "batch", pid: 2, startedAt: 2000 });
        assert.equal(second, 2);
        assert.deepEqual(await store.previousSession(second), { summary: undefined });
        await store.endSession(first, { complete: true, sent: 3 });
        assert.deepEqual(await store.previousSession(second), { summary: { complete: true, sent: 3 } });
        const third = await store.beginSession({ strategy: "sync", pid: 3, startedAt: 3000 });
        await store.endSession(second, { complete: false });
        assert.deepEqual(await store.previousSession(third), { summary: { complete: false } });
      });
    });
  });
}

export function answerCases(makeStore: MakeStore, test: StoreTestApi): void {
  test.describe("answers", () => {
    test.it("an empty store has no answers; a saved answer is found by agent, hash and occurrence", async () => {
      await withStore(makeStore, async (store) => {
        assert.equal(await store.hasAnswers(), false);
        const key = callKey("a");
        assert.equal(await lookupEverywhere(store, key), undefined);
        const record = answer(key, { session: 1, text: "Paris.", inputTokens: 10, outputTokens: 2, viaBatch: true });
        const callId = await store.saveResponse(record);
        assert.equal(await store.hasAnswers(), true);
        const stored = await lookupEverywhere(store, key);
        assert.deepEqual(plain(stored), {
          callId,
          session: 1,
          text: "Paris.",
          result: asJson(record.result),
          viaBatch: true,
          inputTokens: 10,
        });
        assert.equal(stored?.outputTokens, 2);
        assert.equal(await lookupEverywhere(store, callKey("a", key.hash, 1)), undefined);
        assert.equal(await lookupEverywhere(store, callKey("a", "other-hash")), undefined);
        assert.equal(await lookupEverywhere(store, callKey("b", key.hash)), undefined);
      });
    });

    test.it("answers saved together each resolve to their own call id, all stored", async () => {
      await withStore(makeStore, async (store) => {
        const keys = Array.from({ length: 20 }, (_, index) => callKey(`agent-${index % 4}`, "hash", index));
        const callIds = await Promise.all(keys.map((key) => store.saveResponse(answer(key, { text: answerKey(key) }))));
        assert.equal(new Set(callIds).size, keys.length);
        for (const [index, key] of keys.entries()) {
          const stored = await lookupEverywhere(store, key);
          assert.deepEqual([stored?.callId, stored?.text], [callIds[index], answerKey(key)]);
        }
      });
    });

    test.it("a group saved together keeps each answer's text, tokens, raw response and replacement", async () => {
      await withStore(makeStore, async (store) => {
        const earlier = callKey("earlier");
        await store.saveResponse(answer(earlier, { session: 1, text: "old" }));
        // Texts a statement carrying arrays must keep: quotes, braces, commas, backslashes, NULL, U+0000.
        const texts = ['say "hi", {ok}', "back\\slash \\\\ ", "NULL", "nul \u0000 and \u0001 end", "", "é ✓ 🎉"];
        const group = [
          ...texts.map((text, index) =>
            answer(callKey(`group-${index}`), { session: 2, text, inputTokens: index, viaBatch: index % 2 === 1 }),
          ),
          answer(earlier, { session: 2, text: "new", outputTokens: 7 }),
        ];
        const raws = group.map((_, index) => (index === 1 ? undefined : `{"raw":${index},"t":"\\u0000"}`));
        await Promise.all(group.map((record, index) => store.saveResponse({ ...record, raw: raws[index] })));
        for (const record of group) {
          const stored = await lookupEverywhere(store, record);
          // An answer the provider gave no token count for reads back without one, never as 0.
          assert.deepEqual(
            [stored?.text, stored?.session, stored?.viaBatch === true, stored?.inputTokens],
            [record.result.text, 2, record.viaBatch === true, record.result.usage.inputTokens],
          );
          assert.deepEqual(asJson(stored?.result), asJson(record.result));
        }
        if (store.rawAnswers) {
          for (const [index, record] of group.entries()) {
            const expected = record.agent === "earlier" ? [undefined, raws[index]] : [raws[index]];
            assert.deepEqual(await store.rawAnswers(record), expected);
          }
        }
        const session2 = (await store.usage(2)).reduce(
          (sum, row) => ({ answers: sum.answers + row.answers, input: sum.input + row.inputTokens }),
          { answers: 0, input: 0 },
        );
        assert.deepEqual(session2, { answers: group.length, input: 15 });
      });
    });

    test.it("mode replace puts the new answer in use; mode keep stores it but keeps the one in use", async () => {
      await withStore(makeStore, async (store) => {
        const key = callKey("a");
        const callId = await store.saveResponse(answer(key, { session: 1, text: "first" }));
        assert.equal(await store.saveResponse(answer(key, { session: 2, text: "kept aside", mode: "keep" })), callId);
        assert.deepEqual(
          [(await lookupEverywhere(store, key))?.text, (await store.lookup(key))?.session],
          ["first", 1],
        );
        assert.equal(await store.saveResponse(answer(key, { session: 3, text: "rewritten" })), callId);
        assert.deepEqual(
          [(await lookupEverywhere(store, key))?.text, (await store.lookup(key))?.session],
          ["rewritten", 3],
        );
        // Keep on a call without an answer: there is nothing to keep, so the new one is used.
        const fresh = callKey("b");
        await store.saveResponse(answer(fresh, { text: "only", mode: "keep" }));
        assert.equal((await lookupEverywhere(store, fresh))?.text, "only");
      });
    });

    test.it("discardAnswers takes answers back (counting those that had one); a later answer is used", async () => {
      await withStore(makeStore, async (store) => {
        const [a, b, c] = [callKey("a"), callKey("b"), callKey("c")];
        for (const key of [a, b]) await store.saveResponse(answer(key));
        assert.equal(await store.discardAnswers([a, c]), 1);
        assert.equal(await lookupEverywhere(store, a), undefined);
        assert.equal((await lookupEverywhere(store, b))?.text, "Answer to b.");
        assert.equal(await store.discardAnswers([a]), 0);
        assert.equal(await store.hasAnswers(), true, "an answer was stored, even if taken back");
        assert.deepEqual(
          (await store.answeredCalls()).map((call) => call.agent),
          ["b"],
        );
        await store.saveResponse(answer(a, { text: "again", mode: "keep" }));
        assert.equal((await lookupEverywhere(store, a))?.text, "again");
      });
    });

    test.it("answeredCalls lists the calls with an answer in use, by call id, with the answer's session", async () => {
      await withStore(makeStore, async (store) => {
        const a = await store.saveResponse(answer(callKey("a"), { session: 1 }));
        const b = await store.saveResponse(answer(callKey("b"), { session: 1 }));
        await store.saveResponse(answer(callKey("a"), { session: 2 }));
        await store.saveResponse(answer(callKey("b"), { session: 2, mode: "keep" }));
        assert.deepEqual(await store.answeredCalls(), [
          { callId: a, session: 2, agent: "a" },
          { callId: b, session: 1, agent: "b" },
        ]);
      });
    });

    test.it("answeredCount: calls with an answer, and how many of them earlier sessions stored", async () => {
      await withStore(makeStore, async (store) => {
        // Optional: the core falls back to answeredCalls.
        if (!store.answeredCount) return;
        const first = await store.beginSession({ strategy: "sync", pid: 1, startedAt: 1 });
        await store.saveResponse(answer(callKey("a"), { session: first }));
        await store.saveResponse(answer(callKey("b"), { session: first }));
        const second = await store.beginSession({ strategy: "sync", pid: 1, startedAt: 2 });
        await store.saveResponse(answer(callKey("b"), { session: second }));
        await store.saveResponse(answer(callKey("c"), { session: second }));
        assert.deepEqual(await store.answeredCount(first), { total: 3, earlier: 0 });
        assert.deepEqual(await store.answeredCount(second), { total: 3, earlier: 1 });
        assert.deepEqual(await store.answeredCount(second + 1), { total: 3, earlier: 3 });
      });
    });
  });
}
