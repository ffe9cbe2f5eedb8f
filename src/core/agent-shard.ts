/**
 * Which worker sends an agent's calls when a pipeline runs as several shards:
 * the agent's stable key (the first 32 bits of SHA-256 over its name, so every
 * machine and Node version agrees) modulo the number of shards.
 */
import { createHash } from "node:crypto";

/** One worker's part of a pipeline: shard `index` (from 0) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
  /**
   * Asks of other shards' agents wait in this run for the answers their workers store
   * (looked up every 100 ms) instead of halting their agents, in `sync` and `async`.
   * `Parallellm.run(..., { untilDone: true })` and `pllm run --wait` set it.
   * @default false
   */
  readonly wait?: boolean | undefined;
}

/** The shard (0 to `count` - 1) whose worker sends the calls of `agent`. */
export function shardOf(agent: string, count: number): number {
  return createHash("sha256").update(agent, "utf8").digest().readUInt32BE(0) % count;
}

/** Whether `shard`'s worker sends the calls of `agent`. */
export function inShard(agent: string, shard: Shard): boolean {
  return shardOf(agent, shard.count) === shard.index;
}
