/**
 * Unit tests of ShardWaits over a fake lookup (the in-run wait itself is tested
 * end to end in test/shards.test.ts and test/workers.test.ts).
 */
import { afterEach, expect, it, vi } from "vitest";
import { answerKey, type CallKey, type StoredAnswer } from "../store/store.js";
import { ShardWaits, shardPollMs } from "./shard-waits.js";

const key = (index: number): CallKey => ({ agent: `item-${index}`, hash: "h", occurrence: 0 });
const answer = (text: string) => ({ text }) as unknown as StoredAnswer;
const halt = () => new Error("halted");

/** Answers stored by "another worker", and the keys each poll looked up. */
function fakeStore() {
  const stored = new Map<string, StoredAnswer>();
  const polls: string[][] = [[]];
  const lookup = async (call: CallKey) => {
    polls.at(-1)!.push(call.agent);
    return stored.get(answerKey(call));
  };
  const nextPoll = async () => {
    polls.push([]);
    await vi.advanceTimersByTimeAsync(shardPollMs);
  };
  return { stored, polls, lookup, nextPoll };
}

afterEach(() => {
  vi.useRealTimers();
});

it("resolves each wait with the answer once it is stored; two waits for one call share one", async () => {
  vi.useFakeTimers();
  const store = fakeStore();
  const waits = new ShardWaits(store.lookup, 60_000);
  const first = waits.wait(key(1), halt);
  expect(waits.wait(key(1), halt)).toBe(first);
  const second = waits.wait(key(2), halt);
  await store.nextPoll();
  expect(store.polls.at(-1)).toEqual(["item-1", "item-2"]);

  store.stored.set(answerKey(key(2)), answer("two"));
  await store.nextPoll();
  await expect(second).resolves.toEqual(answer("two"));
  store.stored.set(answerKey(key(1)), answer("one"));
  await store.nextPoll();
  await expect(first).resolves.toEqual(answer("one"));
  // Nothing left to wait for: no more polls.
  await store.nextPoll();
  expect(store.polls.at(-1)).toEqual([]);
});

it("a poll looks up the 256 calls waited for longest, and every tenth poll all of them", async () => {
  vi.useFakeTimers();
  const store = fakeStore();
  const waits = new ShardWaits(store.lookup, 60_000);
  for (let index = 0; index < 300; index++) void waits.wait(key(index), halt).catch(() => {});
  const sizes: number[] = [];
  for (let poll = 1; poll <= 10; poll++) {
    await store.nextPoll();
    sizes.push(store.polls.at(-1)!.length);
  }
  expect(sizes).toEqual([256, 256, 256, 256, 256, 256, 256, 256, 256, 300]);
  expect(store.polls[1]!.slice(0, 2)).toEqual(["item-0", "item-1"]);
  waits.stop();
});

it("gives up when no call waited for was answered for its patience: every wait halts", async () => {
  vi.useFakeTimers();
  const store = fakeStore();
  const waits = new ShardWaits(store.lookup, 1000);
  const one = waits.wait(key(1), halt);
  const two = waits.wait(key(2), halt);
  await vi.advanceTimersByTimeAsync(500);
  store.stored.set(answerKey(key(1)), answer("one"));
  await vi.advanceTimersByTimeAsync(shardPollMs);
  await expect(one).resolves.toEqual(answer("one"));
  // An answer restarts the patience: call 2 halts a second after call 1 was answered, not before.
  await vi.advanceTimersByTimeAsync(800);
  let halted = false;
  two.catch(() => {
    halted = true;
  });
  await vi.advanceTimersByTimeAsync(0);
  expect(halted).toBe(false);
  await vi.advanceTimersByTimeAsync(300);
  await expect(two).rejects.toThrow("halted");
});

it("stop ends every wait with its halt, and later waits halt at once", async () => {
  const store = fakeStore();
  const waits = new ShardWaits(store.lookup, 60_000);
  const one = waits.wait(key(1), halt);
  waits.stop();
  await expect(one).rejects.toThrow("halted");
  await expect(waits.wait(key(2), halt)).rejects.toThrow("halted");
});
