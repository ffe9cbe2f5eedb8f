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

  async claimCalls(keys: readonly CallKey[], holder: number, _leaseMs: number, most = keys.length) {
    this.statements.push({ keys: keys.map((call) => call.agent), most });
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

it("claims only the slotted calls while no other worker was seen sending what this one asks", async () => {
  const store = new FakeClaimingStore();
  const claims = claimsOver(store);
  for (let index = 0; index < 10; index++) claims.queued(key(index));
  expect(await Promise.all([claims.take(key(0)), claims.take(key(1))])).toEqual(["taken", "taken"]);
  expect(store.statements).toEqual([{ keys: ["item-0", "item-1"], most: 2 }]);
  for (let index = 0; index < 10; index++) claims.settled(key(index));
  await claims.close();
});

it("once another worker is seen, looks ahead: one call taken ahead per slotted call, held and answered ones told without a statement", async () => {
  const store = new FakeClaimingStore();
  const claims = claimsOver(store);
  for (let index = 0; index < 200; index++) claims.queued(key(index));
  store.holders.set(answerKey(key(0)), other);
  expect(await claims.take(key(0))).toBe("held");

  // Calls 2 and 3 are held elsewhere, 4 is answered: call 5 is the first one free ahead.
  for (const index of [2, 3]) store.holders.set(answerKey(key(index)), other);
  store.answered.add(answerKey(key(4)));
  expect(await claims.take(key(1))).toBe("taken");
  const lookAhead = store.statements[1]!;
  expect(lookAhead.most).toBe(2);
  expect(lookAhead.keys.slice(0, 6)).toEqual(["item-1", "item-2", "item-3", "item-4", "item-5", "item-6"]);
  expect(lookAhead.keys).toHaveLength(1 + 64);

  // Their slots come: told at once, without another statement.
  expect(await claims.take(key(2))).toBe("held");
  expect(await claims.take(key(3))).toBe("held");
  expect(await claims.take(key(4))).toBe("answered");
  expect(await claims.take(key(5))).toBe("taken");
  expect(store.statements).toHaveLength(2);

  // Call 6 was free but not taken (the limit): it is looked at first by the next claim.
  expect(await claims.take(key(7))).toBe("taken");
  expect(store.statements[2]!.keys.slice(0, 2)).toEqual(["item-7", "item-6"]);
  expect(store.statements[2]!.most).toBe(2);
  for (let index = 0; index < 200; index++) claims.settled(key(index));
  await claims.close();
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
  for (let index = 0; index < 1000; index++) {
    claims.queued(key(index));
    if (index < 500) store.holders.set(answerKey(key(index)), other);
  }
  expect(await claims.take(key(0))).toBe("held");
  expect(await claims.take(key(1))).toBe("held");
  expect(store.statements.map((statement) => statement.keys.length)).toEqual([1, 1 + 64]);
  expect(await claims.take(key(999))).toBe("taken");
  expect(await claims.take(key(998))).toBe("taken");
  expect(store.statements.map((statement) => statement.keys.length)).toEqual([1, 1 + 64, 1 + 128, 1 + 256]);
  for (let index = 0; index < 1000; index++) claims.settled(key(index));
  await claims.close();
});
