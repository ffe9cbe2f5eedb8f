/** Small helpers shared by the benchmarks: timing, temp workspaces, reporting. */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

export interface Figure {
  readonly benchmark: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: string;
}

export async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await fn();
  return { ms: performance.now() - started, result };
}

export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

export function withTempDirectory<T>(fn: (directory: string) => Promise<T>): Promise<T> {
  const directory = mkdtempSync(join(tmpdir(), "pllm-bench-"));
  return fn(directory).finally(() => rmSync(directory, { recursive: true, force: true }));
}

export function formatFigures(figures: readonly Figure[]): string {
  const rows = figures.map(
    (figure) =>
      `| ${figure.benchmark} | ${figure.metric} | ${Number.isInteger(figure.value) ? figure.value : figure.value.toFixed(3)} ${figure.unit} | ${figure.target ?? ""} |`,
  );
  return ["| benchmark | metric | value | target |", "|---|---|---|---|", ...rows].join("\n");
}

/**
 * Runs `script` (a TypeScript module) with `args` in a process of its own and
 * returns the JSON it printed as its last line of stdout.
 */
export function runJsonChild<T>(script: string, args: readonly string[], what: string): T {
  const child = spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`${what} failed (exit ${child.status ?? child.signal})`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as T;
}

/** `pllm fake-server` (built) in a child process; resolves with its URL once it listens. */
export function startFakeServerProcess(latencyMs: number): Promise<{ url: string; stop: () => void }> {
  const cli = new URL("../dist/cli/main.js", import.meta.url).pathname;
  const child = spawn(process.execPath, [cli, "fake-server", "--latency", String(latencyMs)], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the fake server exited early (${code})`)));
    createInterface({ input: child.stdout }).once("line", (url) => resolve({ url, stop: () => child.kill() }));
  });
}

/** Fisher–Yates, with `random` in [0, 1). */
export function shuffled<T>(list: readonly T[], random: () => number): T[] {
  const copy = [...list];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other], copy[index]];
  }
  return copy;
}

/** mulberry32: the same orders on every run, so two runs of the benchmark compare. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value ^= value + Math.imul(value ^ (value >>> 7), 61 | value);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
