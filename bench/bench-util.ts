/** Small helpers shared by the benchmarks: timing, temp workspaces, reporting. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
