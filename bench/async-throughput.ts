/**
 * async-throughput: 2,000 asks against the mock with 50 ms latency at
 * maxConcurrency 100. Ideal: 2,000 / 100 x 50 ms = 1,000 ms.
 */
import { join } from "node:path";
import { Parallellm } from "parallellm";
import { MockProvider } from "parallellm/testing";
import { type Figure, time, withTempDirectory } from "./bench-util.js";

const asks = 2000;
const concurrency = 100;
const latencyMs = 50;

export async function asyncThroughputBenchmark(): Promise<Figure[]> {
  return withTempDirectory(async (directory) => {
    const mock = new MockProvider({ latencyMs });
    const run = await time(async () => {
      const pllm = await Parallellm.open(join(directory, "throughput"), {
        llm: "mock-1",
        maxConcurrency: concurrency,
        providers: { mock },
        summary: false,
      });
      await pllm.forEach(
        Array.from({ length: asks }, (_, index) => index),
        (index) => `item-${index}`,
        (index, agent) => agent.ask(`Summarise item ${index}.`).text(),
        { concurrency: asks },
      );
      return pllm.close();
    });
    if (mock.requestCount !== asks || mock.maxInFlight !== concurrency) {
      throw new Error(
        `expected ${asks} requests at ${concurrency} in flight, got ${mock.requestCount} at ${mock.maxInFlight}`,
      );
    }
    const ideal = (asks / concurrency) * latencyMs;
    return [
      { benchmark: "async-throughput (mock)", metric: "wall time", value: run.ms, unit: "ms" },
      { benchmark: "async-throughput (mock)", metric: "ideal", value: ideal, unit: "ms" },
      {
        benchmark: "async-throughput (mock)",
        metric: "ratio wall / ideal",
        value: run.ms / ideal,
        unit: "x",
        target: "<= 1.15",
      },
    ];
  });
}
