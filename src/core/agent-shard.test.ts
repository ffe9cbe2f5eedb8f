import { expect, it } from "vitest";
import { shardOf } from "./agent-shard.js";

it("an agent's shard is fixed by its name alone: the same on every machine and Node version", () => {
  // SHA-256 of the UTF-8 name, first 32 bits, big-endian: pinned, so workers of any build agree.
  expect(["item-0", "item-1", "item-2", "teams", "game/Bears vs Lions", "é😀"].map((name) => shardOf(name, 8))).toEqual(
    [6, 5, 1, 7, 3, 6],
  );
  expect(shardOf("teams", 4)).toBe(3);
  expect(shardOf("anything", 1)).toBe(0);
});

it("spreads agents over the shards", () => {
  const counts = [0, 0, 0, 0];
  for (let index = 0; index < 4000; index++) counts[shardOf(`item-${index}`, 4)]!++;
  for (const count of counts) expect(count).toBeGreaterThan(850);
});
