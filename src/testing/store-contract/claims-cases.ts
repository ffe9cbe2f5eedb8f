/**
 * Contract cases: claims of calls being sent (`claimCalls`, `renewClaims`,
 * `releaseClaims`), for stores that several processes share; skipped where a
 * store has none.
 */
import assert from "node:assert/strict";
import type { Store } from "../../store/store.js";
import { answer, callKey, type MakeStore, type StoreTestApi, withStore } from "./store-fixtures.js";

/** Sessions 1 and 2, as two workers would hold them. */
const first = 1;
const second = 2;
const minute = 60_000;
/** A lease short enough to wait out, and a wait well past it (the store's clock decides, not ours). */
const shortLeaseMs = 50;
const pastShortLease = () => new Promise((resolve) => setTimeout(resolve, 4 * shortLeaseMs));

export function claimCases(makeStore: MakeStore, test: StoreTestApi): void {
  test.describe("claims", () => {
    test.it("claimCalls: a call is taken once; another holder is refused while the claim lives", async () => {
      await withClaims(makeStore, async (store) => {
        const [one, two, three] = ["one", "two", "three"].map((agent) => callKey(agent));
        assert.deepEqual(await store.claimCalls([one, two], first, minute), ["taken", "taken"]);
        assert.deepEqual(await store.claimCalls([one, two, three], second, minute), ["held", "held", "taken"]);
        // The holder's own claim is its own: taking it again renews it.
        assert.deepEqual(await store.claimCalls([one], first, minute), ["taken"]);
        // Another occurrence, another hash: other calls.
        const other = [callKey("one", "hash-one", 1), callKey("one", "other-hash")];
        assert.deepEqual(await store.claimCalls(other, second, minute), ["taken", "taken"]);
      });
    });

    test.it("claimCalls: a call whose answer is stored is not claimed", async () => {
      await withClaims(makeStore, async (store) => {
        const [done, open] = ["done", "open"].map((agent) => callKey(agent));
        await store.saveResponse(answer(done));
        assert.deepEqual(await store.claimCalls([done, open], first, minute), ["answered", "taken"]);
        // Nothing was claimed for it, so nothing holds another worker back either.
        assert.deepEqual(await store.claimCalls([done], second, minute), ["answered"]);
      });
    });

    test.it("claimCalls: a claim whose lease expired is taken by another holder", async () => {
      await withClaims(makeStore, async (store) => {
        const key = callKey("dead-worker");
        assert.deepEqual(await store.claimCalls([key], first, shortLeaseMs), ["taken"]);
        await pastShortLease();
        assert.deepEqual(await store.claimCalls([key], second, minute), ["taken"]);
        assert.deepEqual(await store.claimCalls([key], first, minute), ["held"]);
      });
    });

    test.it("renewClaims: every claim of the holder lives a lease longer", async () => {
      await withClaims(makeStore, async (store) => {
        const keys = ["a", "b"].map((agent) => callKey(agent));
        const others = callKey("c");
        assert.deepEqual(await store.claimCalls(keys, first, shortLeaseMs), ["taken", "taken"]);
        assert.deepEqual(await store.claimCalls([others], second, shortLeaseMs), ["taken"]);
        await store.renewClaims(first, minute);
        await pastShortLease();
        assert.deepEqual(await store.claimCalls([...keys, others], second, minute), ["held", "held", "taken"]);
      });
    });

    test.it("releaseClaims: released calls are free at once; the holder's others and others' claims stay", async () => {
      await withClaims(makeStore, async (store) => {
        const [released, kept, foreign] = ["released", "kept", "foreign"].map((agent) => callKey(agent));
        await store.claimCalls([released, kept], first, minute);
        await store.claimCalls([foreign], second, minute);
        // Only the holder's own claims are released.
        await store.releaseClaims([released, foreign], first);
        assert.deepEqual(await store.claimCalls([released, kept], second, minute), ["taken", "held"]);
        assert.deepEqual(await store.claimCalls([foreign], first, minute), ["held"]);
      });
    });

    test.it("claimCalls: many calls in one call, outcomes in order", async () => {
      await withClaims(makeStore, async (store) => {
        const keys = Array.from({ length: 1200 }, (_, index) => callKey(`agent-${index}`));
        const odd = keys.filter((_, index) => index % 2 === 1);
        assert.deepEqual(
          await store.claimCalls(odd, first, minute),
          odd.map(() => "taken"),
        );
        const outcomes = await store.claimCalls(keys, second, minute);
        assert.deepEqual(
          outcomes,
          keys.map((_, index) => (index % 2 === 1 ? "held" : "taken")),
        );
      });
    });

    test.it("claimCalls with most: the first calls that can be taken, in order; the later ones free", async () => {
      await withClaims(makeStore, async (store) => {
        const [held, done, a, b, c, d] = ["held", "done", "a", "b", "c", "d"].map((agent) => callKey(agent));
        await store.claimCalls([held], second, minute);
        await store.saveResponse(answer(done));
        assert.deepEqual(await store.claimCalls([held, a, done, b, c, d], first, minute, 2), [
          "held",
          "taken",
          "answered",
          "taken",
          "free",
          "free",
        ]);
        // The free ones were not taken: another holder takes them.
        assert.deepEqual(await store.claimCalls([c, d, a], second, minute), ["taken", "taken", "held"]);
        // Fewer can be taken than `most`: every one is, and none is free.
        assert.deepEqual(await store.claimCalls([a, b, held], first, minute, 5), ["taken", "taken", "held"]);
        assert.deepEqual(await store.claimCalls([callKey("e")], first, minute, 0), ["free"]);
      });
    });
  });
}

type ClaimingStore = Store & Required<Pick<Store, "claimCalls" | "renewClaims" | "releaseClaims">>;

/** Runs `body` on a fresh store that has claims; a store without them has nothing to check. */
async function withClaims(makeStore: MakeStore, body: (store: ClaimingStore) => Promise<void>): Promise<void> {
  await withStore(makeStore, async (store) => {
    if (!store.claimCalls || !store.renewClaims || !store.releaseClaims) return;
    await body(store as ClaimingStore);
  });
}
