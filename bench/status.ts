/**
 * status: `pllm status` on a workspace of 1,000,000 calls (the shared large
 * workspace): the whole command as a user runs it (a fresh process, the built
 * CLI), first and best of three more (the first may read the store from disk: after
 * a rebuild or on a machine whose page cache was emptied), and `overview()` alone in
 * this process, in seconds. Target: under 1 s.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Parallellm } from "parallellm";
import { type Figure, time } from "./bench-util.js";
import { cachedLargeWorkspace } from "./large-workspace.js";

const calls = Number(process.env.STATUS_CALLS ?? 1_000_000);

export async function statusBenchmark(): Promise<Figure[]> {
  const directory = cachedLargeWorkspace(calls);
  const cli = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
  const runStatus = () =>
    time(() => {
      const child = spawnSync(process.execPath, [cli, "status", directory, "--json"], { encoding: "utf8" });
      if (child.status !== 0) throw new Error(`pllm status failed (${child.status}): ${child.stderr}`);
      return JSON.parse(child.stdout) as { calls: Record<string, number> };
    });
  const first = await runStatus();
  const counted = Object.values(first.result.calls).reduce((sum, count) => sum + count, 0);
  if (counted !== calls) throw new Error(`pllm status counted ${counted} calls of ${calls}`);
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 3; run++) best = Math.min(best, (await runStatus()).ms);
  await using reader = await Parallellm.inspect(directory);
  const overview = await time(() => reader.overview());
  return [
    {
      benchmark: "status",
      metric: `pllm status, a fresh process, first run (${calls.toLocaleString("en-US")} calls)`,
      value: first.ms / 1000,
      unit: "s",
    },
    {
      benchmark: "status",
      metric: "pllm status, a fresh process, best of the next three",
      value: best / 1000,
      unit: "s",
      target: "< 1",
    },
    { benchmark: "status", metric: "overview() in process", value: overview.ms / 1000, unit: "s", target: "< 1" },
  ];
}
