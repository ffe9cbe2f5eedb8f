/** How `pllm.forEach` names its items' agents and runs them. */
import { InputError } from "../core/errors.js";

/** forEach workers started per turn of the event loop. */
const workersPerSlice = 64;

export interface ForEachRun<Item, T> {
  readonly concurrency: number;
  /** Calls are collected for batches: start every worker at once. */
  readonly allAtOnce: boolean;
  /** Counts of items done and in all, for the progress display. */
  readonly items: { done: number; total: number };
  /** Runs the agent `name` on `item`. */
  readonly runAgent: (name: string, item: Item) => Promise<T | undefined>;
  /**
   * A sharded worker's own agents: their items run first, so the calls this worker
   * sends go out before agents that wait for other workers take the slots.
   */
  readonly ownsAgent?: ((name: string) => boolean) | undefined;
}

/** One agent per item, named by `keyOf`, at most `concurrency` at once; results in item order. */
export async function forEachItem<Item, T>(
  items: Iterable<Item>,
  keyOf: (item: Item, index: number) => string,
  run: ForEachRun<Item, T>,
): Promise<(T | undefined)[]> {
  const list = [...items];
  const names = list.map((item, index) => keyOf(item, index));
  checkUniqueKeys(names);
  const results = new Array<T | undefined>(list.length);
  run.items.total += list.length;
  const order = run.ownsAgent ? _ownFirst(names, run.ownsAgent) : undefined;
  let next = 0;
  await runWorkers(Math.min(run.concurrency, list.length), run.allAtOnce, async () => {
    while (next < list.length) {
      const index = order ? order[next++]! : next++;
      results[index] = await run.runAgent(names[index], list[index]);
      run.items.done++;
    }
  });
  return results;
}

/**
 * Start `count` workers and wait for them all. Calls that are sent (not collected
 * for batches): workers start a slice at a time, with a turn of the event loop
 * between slices, so the first requests go out while the next slice prepares its
 * asks. Collecting runs (`allAtOnce`) start them all at once: a hybrid round is
 * decided when every open agent waits, which a slice would fake.
 */
async function runWorkers(count: number, allAtOnce: boolean, worker: () => Promise<void>): Promise<void> {
  const workers: Promise<void>[] = [];
  const slice = allAtOnce ? count : workersPerSlice;
  for (let started = 0; started < count; started++) {
    if (started > 0 && started % slice === 0) await new Promise((resolve) => setImmediate(resolve));
    const running = worker();
    // Its failure is forEach's (Promise.all below); not an unhandled rejection meanwhile.
    running.catch(() => {});
    workers.push(running);
  }
  await Promise.all(workers);
}

/** Item indexes, the items of `owns`'s agents first, each part in item order. */
function _ownFirst(names: readonly string[], owns: (name: string) => boolean): number[] {
  const own: number[] = [];
  const others: number[] = [];
  for (const [index, name] of names.entries()) (owns(name) ? own : others).push(index);
  return own.concat(others);
}

/** Refuses two items with one key: each item's agent needs its own stable name. */
function checkUniqueKeys(names: readonly string[]): void {
  const unique = new Set(names);
  const duplicate = unique.size === names.length ? undefined : names.find((name) => !unique.delete(name));
  if (duplicate !== undefined) {
    throw new InputError(`forEach: keyOf gave "${duplicate}" for two items; each item needs its own stable key.`);
  }
}
