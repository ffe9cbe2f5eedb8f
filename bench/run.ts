/**
 * npm run bench [-- name...] — runs the benchmarks, prints a table of figures
 * (ratios against floors measured in the same run) and writes bench/results/latest.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { asyncThroughputBenchmark } from "./async-throughput.js";
import { batchRoundBenchmark } from "./batch-round.js";
import { type Figure, formatFigures } from "./bench-util.js";
import { faultyThroughputBenchmark } from "./faulty-throughput.js";
import { replayBenchmark } from "./replay.js";
import { sdkThroughputBenchmark } from "./sdk-throughput.js";

const benchmarks: Record<string, () => Promise<Figure[]>> = {
  replay: replayBenchmark,
  "async-throughput": asyncThroughputBenchmark,
  "sdk-throughput": sdkThroughputBenchmark,
  "faulty-throughput": faultyThroughputBenchmark,
  "batch-round": batchRoundBenchmark,
};

const chosen = process.argv.slice(2).filter((name) => !name.startsWith("-"));
for (const name of chosen) {
  if (!(name in benchmarks))
    throw new Error(`Unknown benchmark "${name}"; choose from ${Object.keys(benchmarks).join(", ")}.`);
}
const figures: Figure[] = [];
for (const [name, run] of Object.entries(benchmarks)) {
  if (chosen.length > 0 && !chosen.includes(name)) continue;
  process.stderr.write(`running ${name}...\n`);
  figures.push(...(await run()));
}
console.log(formatFigures(figures));
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(
  new URL("./results/latest.json", import.meta.url),
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, figures }, null, 2)}\n`,
);
