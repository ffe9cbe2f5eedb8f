/** Contract cases: the raw provider response kept with each answer (optional `rawAnswers`). */
import assert from "node:assert/strict";
import { answer, callKey, type MakeStore, type StoreTestApi, withStore } from "./store-fixtures.js";

/** A response body with fields no result maps, and text a byte-level codec must keep exactly. */
const body = JSON.stringify({
  id: "resp_1",
  output: [{ type: "message", content: [{ type: "output_text", text: "Ünïcode — ✓ 🎉", logprobs: [] }] }],
  safetyRatings: [{ category: "HARM_CATEGORY_HATE_SPEECH", probability: "NEGLIGIBLE" }],
});

export function rawCases(makeStore: MakeStore, test: StoreTestApi): void {
  test.describe("raw responses", () => {
    test.it("each answer's raw response reads back as stored, oldest first; none stored reads undefined", async () => {
      await withStore(makeStore, async (store) => {
        // Optional: a store without it keeps no raw responses.
        if (!store.rawAnswers) return;
        const key = callKey("a");
        assert.deepEqual(await store.rawAnswers(key), []);
        await store.saveResponse({ ...answer(key, { session: 1 }), raw: body });
        await store.saveResponse(answer(key, { session: 2, mode: "keep" }));
        const line = `{"custom_id":"c1","response":{"status_code":200,"body":${body}}}`;
        await store.saveResponse({ ...answer(key, { session: 3, viaBatch: true }), raw: line });
        await store.saveResponse({ ...answer(callKey("b"), { session: 3 }), raw: "{}" });
        assert.deepEqual(await store.rawAnswers(key), [body, undefined, line]);
        assert.deepEqual(await store.rawAnswers(callKey("b")), ["{}"]);
        assert.deepEqual(await store.rawAnswers(callKey("c")), []);
      });
    });
  });
}
