import { expect, it } from "vitest";
import { TickBatch } from "./tick-batch.js";

it("reads the keys asked for in one turn together, at most maxKeys at a time, each resolving to its own value", async () => {
  const reads: number[][] = [];
  const batch = new TickBatch(async (keys: readonly number[]) => {
    reads.push([...keys]);
    return keys.map((key) => key * 10);
  }, 3);
  const values = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((key) => batch.get(key)));
  expect(values).toEqual([10, 20, 30, 40, 50, 60, 70]);
  expect(reads).toEqual([[1, 2, 3], [4, 5, 6], [7]]);

  expect(await batch.get(8)).toBe(80);
  expect(reads.at(-1)).toEqual([8]);
});

it("a read that fails rejects its own keys only", async () => {
  const batch = new TickBatch(async (keys: readonly number[]) => {
    if (keys.includes(2)) throw new Error("the read failed");
    return keys.map(String);
  }, 2);
  const settled = await Promise.allSettled([1, 2, 3].map((key) => batch.get(key)));
  expect(settled.map((result) => result.status)).toEqual(["rejected", "rejected", "fulfilled"]);
  expect(settled[2]).toEqual({ status: "fulfilled", value: "3" });
});
