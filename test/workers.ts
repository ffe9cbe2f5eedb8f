/**
 * Worker processes of one pipeline sharing one PostgreSQL store: each runs
 * test/fixtures/worker-child.ts with a `WorkerSpec`, against the test's fake
 * provider server, and reports every answer it ended with.
 */
import { spawn } from "node:child_process";
import type { Shard } from "../src/core/agent-shard.js";
import type { ParallellmOptions } from "../src/index.js";
import type { StrategyName } from "../src/strategies/strategy.js";
import { tempWorkspace } from "./helpers.js";

export { workerPrompt } from "./fixtures/worker-prompt.js";

import { pgUrl } from "./postgres.js";

const child = new URL("./fixtures/worker-child.ts", import.meta.url).pathname;

/** What one worker runs. */
export interface WorkerSpec {
  readonly pgUrl: string;
  readonly schema: string;
  readonly serverUrl: string;
  /** The worker's own workspace directory (it keeps only local files; the store is shared). */
  readonly directory: string;
  /** Prompts carry it, so one test's requests are told apart in the server's log. */
  readonly tag: string;
  /** Asks of the pipeline, one agent each (`item-<index>`). */
  readonly calls: number;
  readonly strategy: StrategyName;
  readonly shard?: Shard | undefined;
  /** `Parallellm.run(..., { untilDone: true })`, polling every 100 to 400 ms. */
  readonly untilDone?: boolean | undefined;
  /** More options, as JSON (maxConcurrency, claimLeaseMs, batch...). */
  readonly options?: Partial<ParallellmOptions> | undefined;
}

/** What a worker reports: every answer its last run ended with, and its counts over all its runs. */
export interface WorkerResult {
  readonly texts: readonly (string | undefined)[];
  readonly runs: number;
  readonly sent: number;
  readonly received: number;
  readonly replayed: number;
  readonly waitingForShard: number;
}

export interface RunningWorker {
  readonly pid: number;
  /** Resolves with the worker's result; rejects when it exits without one (killed, crashed). */
  readonly done: Promise<WorkerResult>;
  kill(signal: NodeJS.Signals): void;
}

/** A spec for a worker against `schema` and the server at `serverUrl`; `details` adds or overrides. */
export function workerSpec(
  schema: string,
  serverUrl: string,
  details: Partial<WorkerSpec> & Pick<WorkerSpec, "tag" | "calls">,
): WorkerSpec {
  return { pgUrl: pgUrl!, schema, serverUrl, directory: tempWorkspace(), strategy: "async", ...details };
}

export function startWorker(spec: WorkerSpec): RunningWorker {
  const process_ = spawn(process.execPath, ["--import", "tsx", child, JSON.stringify(spec)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  process_.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  process_.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<WorkerResult>((resolve, reject) => {
    process_.once("error", reject);
    process_.once("exit", (code, signal) => {
      const line = stdout.split("\n").find((text) => text.startsWith("result "));
      if (code === 0 && line) resolve(JSON.parse(line.slice("result ".length)) as WorkerResult);
      else reject(new Error(`worker ${process_.pid} exited with ${signal ?? code}:\n${stderr.slice(-4000)}`));
    });
  });
  return { pid: process_.pid!, done, kill: (signal) => process_.kill(signal) };
}

/** Start every worker at once; resolves with their results in order. */
export function runWorkers(specs: readonly WorkerSpec[]): Promise<WorkerResult[]> {
  return Promise.all(specs.map((spec) => startWorker(spec).done));
}
