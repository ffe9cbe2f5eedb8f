/**
 * npm run bench [-- name...] — runs the benchmarks, prints a table of figures
 * (ratios against floors measured in the same run) and writes bench/results/latest.json.
 * Each benchmark runs in a process of its own, so none inherits another's heap,
 * JIT state or peak RSS.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Figure, formatFigures, runJsonChild } from "./bench-util.js";

/** Each loads its module only in the process that runs it. */
const benchmarks: Record<string, () => Promise<() => Promise<Figure[]>>> = {
  replay: async () => (await import("./replay.js")).replayBenchmark,
  "replay-postgres": async () => (await import("./replay-postgres.js")).replayPostgresBenchmark,
  "async-throughput": async () => (await import("./async-throughput.js")).asyncThroughputBenchmark,
  "sdk-throughput": async () => (await import("./sdk-throughput.js")).sdkThroughputBenchmark,
  "faulty-throughput": async () => (await import("./faulty-throughput.js")).faultyThroughputBenchmark,
  "batch-round": async () => (await import("./batch-round.js")).batchRoundBenchmark,
  status: async () => (await import("./status.js")).statusBenchmark,
  export: async () => (await import("./export.js")).exportBenchmark,
  view: async () => (await import("./view.js")).viewBenchmark,
  "raw-codec": async () => (await import("./raw-codec.js")).rawCodecBenchmark,
  copy: async () => (await import("./copy.js")).copyBenchmark,
  "scale-out": async () => (await import("./scale-out.js")).scaleOutBenchmark,
  "ai-sdk-cache": async () => (await import("./ai-sdk-cache.js")).aiSdkCacheBenchmark,
  embeddings: async () => (await import("./embeddings.js")).embeddingsBenchmark,
};

const [flag, childName] = process.argv.slice(2);
if (flag === "--child") {
  // One benchmark, in this process; its figures go to stdout as the last line.
  const figures = await (await benchmarks[childName]())();
  console.log(JSON.stringify(figures));
} else {
  const chosen = process.argv.slice(2).filter((name) => !name.startsWith("-"));
  for (const name of chosen) {
    if (!(name in benchmarks))
      throw new Error(`Unknown benchmark "${name}"; choose from ${Object.keys(benchmarks).join(", ")}.`);
  }
  const figures: Figure[] = [];
  for (const name of Object.keys(benchmarks)) {
    if (chosen.length > 0 && !chosen.includes(name)) continue;
    process.stderr.write(`running ${name}...\n`);
    figures.push(...runJsonChild<Figure[]>(fileURLToPath(import.meta.url), ["--child", name], `benchmark ${name}`));
  }
  console.log(formatFigures(figures));
  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(
    new URL("./results/latest.json", import.meta.url),
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, figures }, null, 2)}\n`,
  );
}
