/** How `pllm.forEach` starts its workers. */

/** forEach workers started per turn of the event loop. */
const workersPerSlice = 64;

/**
 * Start `count` workers and wait for them all. Calls that are sent (not collected
 * for batches): workers start a slice at a time, with a turn of the event loop
 * between slices, so the first requests go out while the next slice prepares its
 * asks. Collecting runs (`allAtOnce`) start them all at once: a hybrid round is
 * decided when every open agent waits, which a slice would fake.
 */
export async function runWorkers(count: number, allAtOnce: boolean, worker: () => Promise<void>): Promise<void> {
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
