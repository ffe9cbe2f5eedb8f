/**
 * The Store contract suite: every case a store must pass, for the stores of this
 * package and for a store of your own.
 */
import { answerCases, sessionCases } from "./store-contract/answers-cases.js";
import { batchCases, failureCases } from "./store-contract/batch-cases.js";
import { bulkAnswerCases } from "./store-contract/bulk-answers-cases.js";
import { claimCases } from "./store-contract/claims-cases.js";
import { embeddingCases } from "./store-contract/embedding-cases.js";
import { rawCases } from "./store-contract/raw-cases.js";
import { conversationCases, usageCases, userdataCases } from "./store-contract/records-cases.js";
import { retryCases } from "./store-contract/retry-cases.js";
import type { MakeStore, StoreTestApi } from "./store-contract/store-fixtures.js";
import { workerCases } from "./store-contract/worker-cases.js";

export type { MakeStore, StoreTestApi } from "./store-contract/store-fixtures.js";

/**
 * Declare the contract cases of the `Store` interface, each on a fresh store from
 * `makeStore` (closed by the case). Cases check with `node:assert`, so any runner
 * with `describe` and `it` fits: pass vitest's (or jest's, or `node:test`'s).
 * Optional methods (`lookupSync`, `agentAnswersSync`, `agentAnswers`, `answeredCount`, `rawAnswers`, and those of a
 * store many workers share: `withLock`, `takenCalls`, `takeFromWindows`, the claims) are checked
 * when the store has them.
 *
 * @example
 * import { describe, it } from "vitest";
 * import { testStore } from "parallellm/testing";
 *
 * describe("my store", () => testStore(() => createMyStore(), { describe, it }));
 */
export function testStore(makeStore: MakeStore, test: StoreTestApi): void {
  sessionCases(makeStore, test);
  answerCases(makeStore, test);
  bulkAnswerCases(makeStore, test);
  failureCases(makeStore, test);
  batchCases(makeStore, test);
  retryCases(makeStore, test);
  conversationCases(makeStore, test);
  usageCases(makeStore, test);
  userdataCases(makeStore, test);
  rawCases(makeStore, test);
  embeddingCases(makeStore, test);
  workerCases(makeStore, test);
  claimCases(makeStore, test);
}
