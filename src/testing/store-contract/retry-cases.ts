/** Contract cases: the user asks to send failed calls again (`retryCalls`). */
import assert from "node:assert/strict";
import { callKey, failure, type MakeStore, type StoreTestApi, withStore } from "./store-fixtures.js";

export function retryCases(makeStore: MakeStore, test: StoreTestApi): void {
  test.describe("retry", () => {
    test.it(
      "retryCalls: failures so far no longer hold a call back, and its bound of batch failures starts again",
      async () => {
        await withStore(makeStore, async (store) => {
          const [rejected, batched, kept, never] = ["rejected", "batched", "kept", "never"].map((agent) =>
            callKey(agent),
          );
          await store.saveFailure(failure(rejected, "request-rejected", { statusCode: 400 }));
          await store.saveFailure(failure(rejected, "request-rejected", { statusCode: 400, session: 2 }));
          for (const session of [1, 2, 3]) {
            await store.saveFailure(failure(batched, "expired", { viaBatch: true, session }));
          }
          await store.saveFailure(failure(kept, "request-rejected", { statusCode: 400 }));

          // A call without failures has nothing to set aside, and is not counted.
          assert.equal(await store.retryCalls([rejected, batched, never], 1000), 2);
          assert.deepEqual(
            (await store.failedCalls()).map((call) => call.agent),
            ["kept"],
          );
          // Asked again: nothing left to set aside.
          assert.equal(await store.retryCalls([rejected], 2000), 0);

          // Failing again after the retry: held back again, its batch failures counted from zero.
          await store.saveFailure(failure(batched, "expired", { viaBatch: true, session: 4 }));
          await store.saveFailure(failure(rejected, "request-rejected", { statusCode: 400, session: 4 }));
          const again = new Map((await store.failedCalls()).map((call) => [call.agent, call]));
          assert.deepEqual([...again.keys()].sort(), ["batched", "kept", "rejected"]);
          assert.equal(again.get("batched")?.batchFailures, 1);
          assert.equal(again.get("rejected")?.session, 4);
        });
      },
    );
  });
}
