/** Contract cases: failures and the calls they hold back, and provider batches from intent to ingest. */
import assert from "node:assert/strict";
import { answerKey, type BatchIntent, type CallKey } from "../../store/store.js";
import { answer, callKey, failure, type MakeStore, type StoreTestApi, sortedBy, withStore } from "./store-fixtures.js";

/** An intent for a batch of `keys` (custom ids `c0`, `c1`, ...) created at `createdAt`. */
export function intent(tag: string, keys: readonly CallKey[], createdAt = 1000, provider = "openai"): BatchIntent {
  return {
    tag,
    provider,
    model: "gpt-4.1-mini",
    session: 1,
    bytes: 100 * keys.length,
    createdAt,
    requestCount: keys.length,
    calls: keys.map((key, index) => ({
      ...key,
      customId: `c${index}`,
      seq: index,
      canonical: `{"prompt":"${key.hash}"}`,
      documents: new Map([[`document-${key.hash}`, "A long document."]]),
    })),
  };
}

export function failureCases(makeStore: MakeStore, test: StoreTestApi): void {
  test.describe("failures", () => {
    test.it(
      "failedCalls: unanswered calls whose latest failure was a rejection, or that failed in batches",
      async () => {
        await withStore(makeStore, async (store) => {
          const key = (agent: string) => callKey(agent);
          // rejected: one 400 sent directly. retried: rejected, then a transient failure (the latest).
          // batched: two transient failures inside batches. answered: rejected in a batch, then answered.
          // transient: a transient failure sent directly.
          await store.saveFailure(failure(key("rejected"), "request-rejected", { statusCode: 400 }));
          await store.saveFailure(failure(key("retried"), "request-rejected", { statusCode: 400 }));
          await store.saveFailure(failure(key("retried"), "server", { statusCode: 500 }));
          await store.saveFailure(failure(key("batched"), "server", { viaBatch: true, statusCode: 500, session: 1 }));
          await store.saveFailure(failure(key("batched"), "expired", { viaBatch: true, session: 2 }));
          await store.saveFailure(failure(key("answered"), "request-rejected", { viaBatch: true, statusCode: 400 }));
          await store.saveFailure(failure(key("transient"), "server", { statusCode: 503 }));
          await store.saveResponse(answer(key("answered"), { session: 2 }));

          const latest = (kind: string, session: number, statusCode: number | undefined) => ({
            session,
            provider: "openai",
            model: "gpt-4.1-mini",
            kind,
            statusCode,
            message: `${kind} ${statusCode ?? ""}`.trim(),
            requestId: undefined,
          });
          assert.deepEqual(
            sortedBy(await store.failedCalls(), (call) => call.agent),
            [
              { ...key("batched"), ...latest("expired", 2, undefined), batchFailures: 2 },
              { ...key("rejected"), ...latest("request-rejected", 1, 400), batchFailures: 0 },
            ],
          );
          // An answer taken back makes the call unanswered again: its failures count once more.
          await store.discardAnswers([key("answered")]);
          assert.deepEqual((await store.failedCalls()).map((call) => call.agent).sort(), [
            "answered",
            "batched",
            "rejected",
          ]);
        });
      },
    );

    test.it("failedCalls: batch failures count for the model of the latest failure (a fallback's own)", async () => {
      await withStore(makeStore, async (store) => {
        const key = callKey("fallen-back");
        for (const session of [1, 2, 3]) {
          await store.saveFailure(failure(key, "server", { viaBatch: true, statusCode: 500, session }));
        }
        await store.saveFailure({
          ...failure(key, "server", { viaBatch: true, statusCode: 529, session: 4 }),
          provider: "anthropic",
          model: "claude-sonnet-4-5",
        });
        const [failed] = await store.failedCalls();
        assert.deepEqual(
          { model: failed?.model, statusCode: failed?.statusCode, batchFailures: failed?.batchFailures },
          { model: "claude-sonnet-4-5", statusCode: 529, batchFailures: 1 },
        );
      });
    });
  });
}

export function batchCases(makeStore: MakeStore, test: StoreTestApi): void {
  test.describe("batches", () => {
    test.it("an intent is open and submitting, then pending with the provider's id, then ingested", async () => {
      await withStore(makeStore, async (store) => {
        const keys = [callKey("a"), callKey("b")];
        const id = await store.recordBatchIntent(intent("tag-1", keys, 1000));
        assert.deepEqual(await store.openBatches(), [
          {
            id,
            tag: "tag-1",
            provider: "openai",
            model: "gpt-4.1-mini",
            providerBatchId: undefined,
            state: "submitting",
            session: 1,
            requestCount: 2,
            bytes: 200,
            createdAt: 1000,
            message: undefined,
            rejectedIds: [],
          },
        ]);
        assert.deepEqual(await store.pendingCalls(), new Set(keys.map(answerKey)));
        assert.deepEqual(await store.knownBatchIds("openai"), new Set());

        await store.updateBatch(id, { state: "pending", providerBatchId: "batch_1", message: "submitted" });
        await store.updateBatch(id, { state: "pending" });
        const [pending] = await store.openBatches();
        assert.deepEqual(
          [pending?.state, pending?.providerBatchId, pending?.message],
          ["pending", "batch_1", "submitted"],
        );
        assert.deepEqual(await store.knownBatchIds("openai"), new Set(["batch_1"]));
        assert.deepEqual(await store.knownBatchIds("anthropic"), new Set());

        await store.updateBatch(id, { state: "ingested" });
        assert.deepEqual(await store.openBatches(), []);
        assert.deepEqual(await store.pendingCalls(), new Set());
        assert.deepEqual(await store.knownBatchIds("openai"), new Set(["batch_1"]), "an ingested batch stays known");
      });
    });

    test.it("an abandoned batch is not open and its calls are not pending", async () => {
      await withStore(makeStore, async (store) => {
        const id = await store.recordBatchIntent(intent("tag-1", [callKey("a")]));
        await store.updateBatch(id, { state: "abandoned", message: "never created" });
        assert.deepEqual(await store.openBatches(), []);
        assert.deepEqual(await store.pendingCalls(), new Set());
      });
    });

    test.it("rejectBatchMatch: the intent is submitting again, without the id, which it remembers", async () => {
      await withStore(makeStore, async (store) => {
        const id = await store.recordBatchIntent(intent("tag-1", [callKey("a")]));
        await store.updateBatch(id, { state: "pending", providerBatchId: "batch_wrong" });
        await store.rejectBatchMatch(id, "batch_wrong", "its results were another submission's");
        await store.updateBatch(id, { state: "pending", providerBatchId: "batch_other" });
        await store.rejectBatchMatch(id, "batch_other", "wrong again");
        const [batch] = await store.openBatches();
        assert.deepEqual(
          [batch?.state, batch?.providerBatchId, batch?.message, batch?.rejectedIds],
          ["submitting", undefined, "wrong again", ["batch_wrong", "batch_other"]],
        );
      });
    });

    test.it("batchCalls: each call by custom id, marked ingested once a batch outcome arrived since", async () => {
      await withStore(makeStore, async (store) => {
        const [a, b, c, d, e] = [callKey("a"), callKey("b"), callKey("c"), callKey("d"), callKey("f")];
        // Outcomes from before the batch was created are another batch's (or a direct call's),
        // also one stored in the very millisecond the batch was (the previous batch's, ingested
        // at the open of the run that created this one).
        await store.saveResponse(answer(d, { viaBatch: true, receivedAt: 500 }));
        await store.saveFailure(failure(e, "expired", { viaBatch: true, at: 1000 }));
        const id = await store.recordBatchIntent(intent("tag-1", [a, b, c, d, e], 1000));
        const other = await store.recordBatchIntent(intent("tag-2", [callKey("e")], 1000));
        // A batch answer's canonical request was recorded with the intent.
        await store.saveResponse({ ...answer(a, { viaBatch: true, receivedAt: 2000 }), canonical: undefined });
        await store.saveFailure(failure(b, "server", { viaBatch: true, at: 2000 }));
        await store.saveResponse(answer(c, { receivedAt: 2000 }));
        assert.deepEqual(
          await store.batchCalls(id),
          new Map([
            ["c0", { customId: "c0", ...a, seq: 0, ingested: true }],
            ["c1", { customId: "c1", ...b, seq: 1, ingested: true }],
            ["c2", { customId: "c2", ...c, seq: 2, ingested: false }],
            ["c3", { customId: "c3", ...d, seq: 3, ingested: false }],
            ["c4", { customId: "c4", ...e, seq: 4, ingested: false }],
          ]),
        );
        assert.deepEqual([...(await store.batchCalls(other)).keys()], ["c0"]);
        assert.equal((await store.lookup(a))?.viaBatch, true);
      });
    });

    test.it("two open batches of two providers are listed by id; a tag is recorded once", async () => {
      await withStore(makeStore, async (store) => {
        const first = await store.recordBatchIntent(intent("tag-1", [callKey("a")], 1000, "openai"));
        const second = await store.recordBatchIntent(intent("tag-2", [callKey("b")], 1000, "anthropic"));
        await store.updateBatch(second, { state: "pending", providerBatchId: "msgbatch_1" });
        assert.deepEqual(
          (await store.openBatches()).map((batch) => [batch.id, batch.provider]),
          [
            [first, "openai"],
            [second, "anthropic"],
          ],
        );
        assert.deepEqual(await store.knownBatchIds("anthropic"), new Set(["msgbatch_1"]));
        await assert.rejects(store.recordBatchIntent(intent("tag-1", [callKey("c")])));
      });
    });
  });
}
