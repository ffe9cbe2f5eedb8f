/** Contract cases: an embedding's vector is stored with its answer and reads back bit for bit. */
import assert from "node:assert/strict";
import type { StoredAnswer } from "../../store/store.js";
import { answer, callKey, type MakeStore, type StoreTestApi, withStore } from "./store-fixtures.js";

/** Values a text codec would round (a third, a subnormal, the largest float32) and a negative zero. */
const vector = new Float32Array([1 / 3, -0, 1e-40, 3.4028234663852886e38, -2.5, 0.1]);

export function embeddingCases(makeStore: MakeStore, test: StoreTestApi): void {
  test.describe("embeddings", () => {
    test.it("a vector reads back exactly, by lookup and by the agent's answers; a text answer has none", async () => {
      await withStore(makeStore, async (store) => {
        const key = callKey("embedder");
        const record = answer(key, { text: "", model: "text-embedding-3-small", inputTokens: 3, outputTokens: 0 });
        await store.saveResponse({ ...record, result: { ...record.result, embedding: vector } });
        await store.saveResponse(answer(callKey("asker")));
        const reads: (StoredAnswer | undefined)[] = [await store.lookup(key), store.lookupSync?.(key)];
        if (store.agentAnswersSync) reads.push(store.agentAnswersSync("embedder").get(key.hash)?.[0]);
        if (store.agentAnswers) reads.push((await store.agentAnswers("embedder")).get(key.hash)?.[0]);
        assert.ok(reads[0] !== undefined, "the answer is stored");
        for (const read of reads.filter((stored) => stored !== undefined)) {
          const embedding = read.result.embedding;
          assert.ok(embedding instanceof Float32Array, "the vector comes back as a Float32Array");
          assert.deepEqual(new Uint8Array(embedding.buffer), new Uint8Array(vector.buffer));
          assert.equal(read.result.usage.inputTokens, 3);
        }
        assert.equal((await store.lookup(callKey("asker")))?.result.embedding, undefined);
      });
    });
  });
}
