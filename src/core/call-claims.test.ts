/**
 * Unit tests of CallClaims over a fake claiming store (the store's own claims are
 * checked by the store contract suite): the statements it makes, and what it
 * tells each slot without one.
 */
import { expect, it } from "vitest";
import { answerKey, type CallKey, type ClaimOutcome, type Store } from "../store/store.js";
import { CallClaims } from "./call-claims.js";

const me = 1;
const other = 2;
const key = (index: number): CallKey => ({ agent: `item-${index}`, hash: "h", occurrence: 0 });

/** Claims as the store contract has them, in memory, with every statement recorded. */
class FakeClaimingStore {
  readonly holders = new Map<string, number>();
  readonly answered = new Set<string>();
  readonly statements: { keys: string[]; most: number | undefined }[] = [];
  readonly released: string[] = [];
  /** While set, statements wait for it (as they wait for a database that is slow to answer). */
  gate: Promise<void> | undefined;

  async claimCalls(keys: readonly CallKey[], holder: number, _leaseMs: number, most = keys.length) {
    this.statements.push({ keys: keys.map((call) => call.agent), most });
    if (this.gate) await this.gate;
    let taken = 0;
    return keys.map((call): ClaimOutcome => {
      const id = answerKey(call);
      if (this.answered.has(id)) return "answered";
      const current = this.holders.get(id);
      if (current !== undefined && current !== holder) return "held";
      if (taken === most) return "free";
      taken++;
      this.holders.set(id, holder);
      return "taken";
    });
  }
  async renewClaims(): Promise<void> {}
  async releaseClaims(keys: readonly CallKey[], holder: number): Promise<void> {
    for (const call of keys) {
      if (this.holders.get(answerKey(call)) !== holder) continue;
      this.holders.delete(answerKey(call));
      this.released.push(call.agent);
    }
  }
}

function claimsOver(store: FakeClaimingStore): CallClaims {
  return CallClaims.for(store as unknown as Store, me, 60_000)!;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

it("takes a stock of calls ahead with the first claim: the next slots send without a statement, and half-way a refill tops it up", async () => {
  const store = new FakeClaimingStore();
  const claims = claimsOver(store);
  for (let index = 0; index < 200; index++) claims.queued(key(index));
  expect(await Promise.all([claims.take(key(0)), claims.take(key(1))])).toEqual(["taken", "taken"]);
  expect(store.statements).toHaveLength(1);
  expect(store.statements[0]!.most).toBe(2 + 64);
  expect(store.statements[0]!.keys.slice(0, 4)).toEqual(["item-0", "item-1", "item-2", "item-3"]);

  for (let index = 2; index < 33; index++) expect(await claims.take(key(index))).toBe("taken");
  expect(store.statements).toHaveLength(1);
  // The 32nd call of the stock goes: half is left, and a statement of its own takes 32 more.
  expect(await claims.take(key(33))).toBe("taken");
  await turn();
  expect(store.statements).toHaveLength(2);
  expect(store.statements[1]!.most).toBe(32);
  expect(store.statements[1]!.keys[0]).toBe("item-66");
  expect(store.holders.get(answerKey(key(97)))).toBe(me);
  expect(store.holders.get(answerKey(key(98)))).toBeUndefined();
  for (let index = 0; index < 200; index++) claims.settled(key(index));
  await claims.close();
  expect(store.holders.size).toBe(0);
});

it("looking ahead, calls held or answered elsewhere are told at their slot without a statement", async () => {
  const store = new FakeClaimingStore();
  const claims = claimsOver(store);
  for (let index = 0; index < 200; index++) claims.queued(key(index));
  // Calls 2 and 3 are held elsewhere, 4 is answered.
  for (const index of [2, 3]) store.holders.set(answerKey(key(index)), other);
  store.answered.add(answerKey(key(4)));
  expect(await claims.take(key(1))).toBe("taken");
  expect(await claims.take(key(2))).toBe("held");
  expect(await claims.take(key(3))).toBe("held");
  expect(await claims.take(key(4))).toBe("answered");
  expect(await claims.take(key(5))).toBe("taken");
  expect(store.statements).toHaveLength(1);
  for (let index = 0; index < 200; index++) claims.settled(key(index));
  await claims.close();
});

it("lets go of claims a moment after their asks end, many in one statement; a call asked again meanwhile keeps its claim", async () => {
  const store = new FakeClaimingStore();
  const claims = claimsOver(store);
  for (let index = 0; index < 3; index++) claims.queued(key(index));
  expect(await claims.take(key(0))).toBe("taken");
  claims.settled(key(0));
  claims.settled(key(1));
  // Call 2 ended and is asked again (a failed call sent once more) before its claim is let go.
  claims.settled(key(2));
  claims.queued(key(2));
  expect(await claims.take(key(2))).toBe("taken");
  await turn();
  expect(store.released).toEqual([]);
  await new Promise((resolve) => setTimeout(resolve, 250));
  expect(store.released.sort()).toEqual(["item-0", "item-1"]);
  expect(store.holders.get(answerKey(key(2)))).toBe(me);
  claims.settled(key(2));
  await claims.close();
  expect(store.released.sort()).toEqual(["item-0", "item-1", "item-2"]);
  expect(store.statements).toHaveLength(1);
});

it("a call taken ahead whose ask ends before its slot (a stopped run) is let go", async () => {
  const store = new FakeClaimingStore();
  const claims = claimsOver(store);
  for (let index = 0; index < 5; index++) claims.queued(key(index));
  store.holders.set(answerKey(key(0)), other);
  expect(await claims.take(key(0))).toBe("held");
  expect(await claims.take(key(1))).toBe("taken");
  expect(store.holders.get(answerKey(key(2)))).toBe(me);

  claims.settled(key(1));
  claims.settled(key(2));
  await turn();
  await claims.close();
  expect(store.released.sort()).toEqual(["item-1", "item-2"]);
  expect(store.holders.get(answerKey(key(2)))).toBeUndefined();
});

it("a worker behind the others, finding every call ahead held, looks twice as far the next time", async () => {
  const store = new FakeClaimingStore();
  const claims = claimsOver(store);
  for (let index = 0; index < 2000; index++) {
    claims.queued(key(index));
    if (index < 1000) store.holders.set(answerKey(key(index)), other);
  }
  expect(await claims.take(key(0))).toBe("held");
  // 1 slotted + 4 per call to take (65): 260 looked at, all held.
  expect(await claims.take(key(999))).toBe("held");
  expect(await claims.take(key(1999))).toBe("taken");
  expect(store.statements.map((statement) => statement.keys.length)).toEqual([1 + 260, 1 + 520, 1 + 1040]);
  for (let index = 0; index < 2000; index++) claims.settled(key(index));
  await claims.close();
});

it("slots that come while a claim statement runs: a call it looks at waits for its outcome, others take no second stock", async () => {
  const store = new FakeClaimingStore();
  let answer!: () => void;
  store.gate = new Promise<void>((resolve) => {
    answer = resolve;
  });
  const claims = claimsOver(store);
  for (let index = 0; index < 400; index++) claims.queued(key(index));
  store.holders.set(answerKey(key(3)), other);
  // The first slot's statement takes a stock of 64 and looks at the next 260 calls (1 to 260).
  const first = claims.take(key(0));
  await turn();
  const lookedAt = [claims.take(key(1)), claims.take(key(3))];
  // Not looked at: claimed in a statement of its own, without a stock of its own (the first fills it).
  const beyond = claims.take(key(300));
  await turn();
  expect(store.statements.map((statement) => [statement.keys.length, statement.most])).toEqual([
    [261, 65],
    [1, 1],
  ]);
  answer();
  expect(await Promise.all([first, ...lookedAt, beyond])).toEqual(["taken", "taken", "held", "taken"]);
  expect(store.statements).toHaveLength(2);
  expect([...store.holders.values()].filter((holder) => holder === me)).toHaveLength(1 + 64 + 1);
  for (let index = 0; index < 400; index++) claims.settled(key(index));
  await claims.close();
});
