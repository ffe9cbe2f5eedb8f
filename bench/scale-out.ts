/**
 * scale-out: the async benchmark at a latency that dominates (fake server in its
 * own process, 500 ms, concurrency 50 per worker, 4,000 calls), run by 1 worker
 * process and by 4 on one PostgreSQL database, in the same run: the throughput
 * ratio (target >= 3.5x; ideal 4x), with claims alone (workers overlap) and with
 * shards. Each run starts on an empty schema; a run ends when every worker has
 * all 4,000 answers. Needs PARALLELLM_PG_URL (npm run pg:start); without it,
 * reports nothing.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { type Figure, startFakeServerProcess, time, withTempDirectory } from "./bench-util.js";
import { asks, latencyMs } from "./scale-out-settings.js";

const worker = fileURLToPath(new URL("./scale-out-worker.ts", import.meta.url));

export async function scaleOutBenchmark(): Promise<Figure[]> {
  const url = process.env.PARALLELLM_PG_URL;
  if (!url) {
    process.stderr.write("scale-out: skipped, PARALLELLM_PG_URL is not set (npm run pg:start starts a server).\n");
    return [];
  }
  const server = await startFakeServerProcess(latencyMs);
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  try {
    return await withTempDirectory(async (directory) => {
      const run = async (workers: number, sharded: boolean) => {
        const schema = `bench_${randomBytes(6).toString("hex")}`;
        try {
          const shards = Array.from({ length: workers }, (_, index) => (sharded ? `${index + 1}/${workers}` : "-"));
          const ms = await _runWorkers(url, schema, server.url, shards, join(directory, schema));
          return asks / (ms / 1000);
        } finally {
          await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        }
      };
      const one = await run(1, false);
      const overlapping = await run(4, false);
      const sharded = await run(4, true);
      const name = "scale-out (4,000 calls, 500 ms, 50 per worker)";
      return [
        { benchmark: name, metric: "1 worker", value: one, unit: "calls/s" },
        { benchmark: name, metric: "4 workers, claims", value: overlapping, unit: "calls/s" },
        { benchmark: name, metric: "4 workers, shards", value: sharded, unit: "calls/s" },
        {
          benchmark: name,
          metric: "ratio 4 workers (claims) / 1",
          value: overlapping / one,
          unit: "x",
          target: ">= 3.5",
        },
        { benchmark: name, metric: "ratio 4 workers (shards) / 1", value: sharded / one, unit: "x", target: ">= 3.5" },
      ];
    });
  } finally {
    server.stop();
    await admin.end();
  }
}

/** Starts one worker per shard, lets them go at once, and resolves with the ms until the last has every answer. */
async function _runWorkers(
  url: string,
  schema: string,
  serverUrl: string,
  shards: readonly string[],
  directory: string,
): Promise<number> {
  const children = shards.map((shard, index) =>
    spawn(process.execPath, ["--import", "tsx", worker, url, schema, serverUrl, shard, `${directory}-${index}`], {
      stdio: ["pipe", "pipe", "inherit"],
    }),
  );
  const lines = children.map((child) => createInterface({ input: child.stdout! })[Symbol.asyncIterator]());
  await Promise.all(lines.map((line) => line.next()));
  const { ms, result } = await time(() =>
    Promise.all(
      children.map((child, index) => {
        child.stdin!.write("go\n");
        return lines[index]!.next().then(({ value }) => JSON.parse(value as string) as { answers: number });
      }),
    ),
  );
  for (const report of result) {
    if (report.answers !== asks) throw new Error(`a worker ended with ${report.answers} of ${asks} answers`);
  }
  return ms;
}
