/**
 * faulty-throughput: 10,000 async asks over the three official SDKs against
 * the fake server in its own process, once without faults and once with 20%
 * of requests failing (429/500/529, retry-after 1 ms) and 2% of connections
 * dropped. Reports the wall time with faults relative to the run without, the
 * retries per call, and that ratio divided by the extra requests the faults
 * cause (1.0: a retry costs no more than the request it repeats).
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Parallellm, type RunSummary } from "parallellm";
import { fakeProviderClients } from "parallellm/testing";
import { type Figure, time, withTempDirectory } from "./bench-util.js";

const asks = 10_000;
const concurrency = 64;
const models = ["gpt-4.1-mini", "claude-sonnet-4-6", "gemini-2.5-flash"];
const serverScript = new URL("../test/fixtures/faulty-server-child.ts", import.meta.url).pathname;

interface FaultyServer {
  readonly url: string;
  /** Requests received since the last call. */
  stats(): Promise<{ readonly requests: number }>;
  stop(): void;
}

export async function faultyThroughputBenchmark(): Promise<Figure[]> {
  return withTempDirectory(async (directory) => {
    const clean = await startFaultyServer(0, 0);
    const faulty = await startFaultyServer(0.2, 0.02);
    try {
      const run = async (server: FaultyServer, workspace: string, count: number) => {
        const measured = await time(() => pipeline(server.url, join(directory, workspace), count));
        const served = await server.stats();
        if (measured.result.received !== count || measured.result.failed > 0) {
          throw new Error(
            `${workspace}: ${measured.result.received} of ${count} answers, ${measured.result.failed} failed`,
          );
        }
        return { ms: measured.ms, summary: measured.result, served };
      };
      await run(clean, "warm-up", 1000);
      await run(faulty, "warm-up-faulty", 1000);
      const withoutFaults = await run(clean, "without-faults", asks);
      const withFaults = await run(faulty, "with-faults", asks);
      const ratio = withFaults.ms / withoutFaults.ms;
      const requestsPerAsk = withFaults.served.requests / asks;
      const name = "faulty-throughput";
      return [
        { benchmark: name, metric: "wall time without faults", value: withoutFaults.ms, unit: "ms" },
        { benchmark: name, metric: "wall time with faults", value: withFaults.ms, unit: "ms" },
        { benchmark: name, metric: "ratio with / without faults", value: ratio, unit: "x" },
        { benchmark: name, metric: "retries per call", value: withFaults.summary.failedAttempts / asks, unit: "" },
        { benchmark: name, metric: "requests per ask", value: requestsPerAsk, unit: "" },
        {
          benchmark: name,
          metric: "ratio / requests per ask",
          value: ratio / requestsPerAsk,
          unit: "x",
          target: "<= 1.15",
        },
      ];
    } finally {
      clean.stop();
      faulty.stop();
    }
  });
}

// --- internal ---

async function pipeline(url: string, workspace: string, count: number): Promise<RunSummary> {
  const pllm = await Parallellm.open(workspace, {
    clients: fakeProviderClients(url),
    maxConcurrency: concurrency,
    retry: { initialDelayMs: 1, maxDelayMs: 20, maxAttempts: 15 },
    summary: false,
  });
  await pllm.forEach(
    Array.from({ length: count }, (_, index) => index),
    (index) => `item-${index}`,
    (index, agent) => agent.ask(`Describe item ${index}.`, { llm: models[index % models.length] }).text(),
  );
  return pllm.close();
}

function startFaultyServer(rate: number, dropRate: number): Promise<FaultyServer> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", serverScript, String(rate), "429,500,529", "1", String(dropRate)],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines = createInterface({ input: child.stdout });
  const nextLine = () => new Promise<string>((resolve) => lines.once("line", resolve));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the fake server exited early (${code})`)));
    void nextLine().then((url) =>
      resolve({
        url,
        stats: async () => {
          child.stdin.write("stats\n");
          return JSON.parse(await nextLine()) as { requests: number };
        },
        stop: () => child.kill(),
      }),
    );
  });
}
