/**
 * Contract cases of a store that many workers share: a lock among them, the calls
 * another worker took, rate windows they all take from. Each runs where the store
 * has the method (a store with one worker needs none).
 */
import assert from "node:assert/strict";
import { answerKey, type Store } from "../../store/store.js";
import { intent } from "./batch-cases.js";
import { answer, callKey, type MakeStore, type StoreTestApi, withStore } from "./store-fixtures.js";

export function workerCases(makeStore: MakeStore, test: StoreTestApi): void {
  test.describe("workers sharing the store", () => {
    test.it("withLock: one holder at a time; a try while held runs nothing; a throw releases", async () => {
      await withStore(makeStore, async (store) => {
        const withLock = methodOf(store, "withLock");
        if (!withLock) return;
        const order: string[] = [];
        let releaseFirst = () => {};
        const first = withLock("batches", true, async () => {
          order.push("first in");
          await new Promise<void>((resolve) => (releaseFirst = resolve));
          order.push("first out");
          return 1;
        });
        await until(() => order.length > 0);
        assert.equal(await withLock("batches", false, async () => order.push("tried")), undefined);
        assert.deepEqual(await withLock("another lock", false, async () => "free"), { value: "free" });
        const second = withLock("batches", true, async () => order.push("second in"));
        releaseFirst();
        assert.deepEqual(await first, { value: 1 });
        await second;
        assert.deepEqual(order, ["first in", "first out", "second in"]);
        await assert.rejects(
          withLock("batches", true, async () => {
            throw new Error("the body failed");
          }),
          /the body failed/,
        );
        assert.deepEqual(await withLock("batches", false, async () => "free again"), { value: "free again" });
      });
    });

    test.it("takenCalls: the calls answered or in a submitting or pending batch", async () => {
      await withStore(makeStore, async (store) => {
        const takenCalls = methodOf(store, "takenCalls");
        if (!takenCalls) return;
        const [answered, submitting, pending, ingested, abandoned, discarded, fresh] = [
          "answered",
          "submitting",
          "pending",
          "ingested",
          "abandoned",
          "discarded",
          "fresh\u0000agent",
        ].map((agent) => callKey(agent));
        await store.saveResponse(answer(answered!));
        await store.saveResponse(answer(discarded!));
        await store.discardAnswers([discarded!]);
        await store.recordBatchIntent(intent("tag-submitting", [submitting!]));
        const states = [
          ["tag-pending", pending!, "pending"],
          ["tag-ingested", ingested!, "ingested"],
          ["tag-abandoned", abandoned!, "abandoned"],
        ] as const;
        for (const [tag, key, state] of states) {
          const id = await store.recordBatchIntent(intent(tag, [key]));
          await store.updateBatch(id, { state, providerBatchId: `id-${tag}` });
        }
        const keys = [answered!, submitting!, pending!, ingested!, abandoned!, discarded!, fresh!];
        assert.deepEqual(await takenCalls(keys), new Set([answered!, submitting!, pending!].map(answerKey)));
        assert.deepEqual(await takenCalls([]), new Set());
      });
    });

    test.it("takeFromWindows: takes from every window or none, and says how long until it fits", async () => {
      await withStore(makeStore, async (store) => {
        const take = methodOf(store, "takeFromWindows");
        if (!take) return;
        const minute = 60_000;
        const requests = { key: "openai requests", limit: 3, spanMs: minute, weight: 1 };
        const tokens = { key: "openai tokens", limit: 100, spanMs: minute, weight: 40 };
        assert.equal(await take([requests, tokens]), 0);
        assert.equal(await take([requests, tokens]), 0);
        // 80 of 100 tokens used: 40 more do not fit, so no request is taken either.
        const wait = await take([requests, tokens]);
        assert.ok(wait > 0 && wait <= minute, `waits for the tokens window, at most a minute (got ${wait})`);
        assert.equal(await take([requests]), 0, "the refused take took nothing from the requests window");
        assert.ok((await take([requests])) > 0, "3 requests fill it");
        // A take above the limit fits an empty window only.
        assert.equal(await take([{ key: "anthropic tokens", limit: 10, spanMs: minute, weight: 50 }]), 0);
        assert.ok((await take([{ key: "anthropic tokens", limit: 10, spanMs: minute, weight: 1 }])) > 0);
      });
    });
  });
}

// --- internal ---

/** The store's optional `name`, bound to it; `undefined` when it has none. */
function methodOf<Name extends "withLock" | "takenCalls" | "takeFromWindows">(
  store: Store,
  name: Name,
): Store[Name] | undefined {
  const method = store[name];
  return method && (method.bind(store) as Store[Name]);
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1));
}
