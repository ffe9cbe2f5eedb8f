/** Contract cases: many reads at once (a replay of many agents), and `agentAnswers` where the store has it. */
import assert from "node:assert/strict";
import { answerKey, type CallKey } from "../../store/store.js";
import { plain } from "./answers-cases.js";
import { answer, callKey, type MakeStore, type StoreTestApi, withStore } from "./store-fixtures.js";

/** Agents of several answers each (two occurrences of one hash, another hash), one name with U+0000. */
const keys: CallKey[] = ["a", "b", "c\u0000d"].flatMap((agent) => [
  callKey(agent, "hash-1", 0),
  callKey(agent, "hash-1", 1),
  callKey(agent, "hash-2", 0),
]);

export function bulkAnswerCases(makeStore: MakeStore, test: StoreTestApi): void {
  test.describe("answers read in bulk", () => {
    test.it("lookups made at once each resolve to their own answer, or undefined", async () => {
      await withStore(makeStore, async (store) => {
        for (const key of keys) await store.saveResponse(answer(key, { text: answerKey(key) }));
        const missing = [callKey("a", "hash-1", 2), callKey("a", "hash-3"), callKey("nobody", "hash-1")];
        const asked = [...keys, ...missing, ...[...keys].reverse()];
        const found = await Promise.all(asked.map((key) => store.lookup(key)));
        assert.deepEqual(
          found.map((stored) => stored?.text),
          asked.map((key) => (missing.includes(key) ? undefined : answerKey(key))),
        );
      });
    });

    test.it("agentAnswers: every answer of each agent asked at once, by hash and occurrence", async () => {
      await withStore(makeStore, async (store) => {
        if (!store.agentAnswers) return;
        for (const key of keys) await store.saveResponse(answer(key, { text: answerKey(key) }));
        const agents = ["a", "nobody", "c\u0000d", "b"];
        const read = await Promise.all(agents.map((agent) => store.agentAnswers!(agent)));
        for (const [index, agent] of agents.entries()) {
          const mine = keys.filter((key) => key.agent === agent);
          assert.deepEqual(
            [...read[index]!.entries()].flatMap(([hash, byOccurrence]) =>
              byOccurrence.map((stored, occurrence) => [hash, occurrence, stored?.text]),
            ),
            mine.map((key) => [key.hash, key.occurrence, answerKey(key)]),
            `the answers of ${JSON.stringify(agent)}`,
          );
          for (const key of mine) {
            const stored = read[index]!.get(key.hash)![key.occurrence];
            assert.deepEqual(plain(stored), plain(await store.lookup(key)), "agentAnswers agrees with lookup");
          }
        }
      });
    });
  });
}
