/**
 * export: a workspace of 1,000,000 calls (`bench/large-workspace.ts`) exported
 * to Parquet and to JSONL, each in a process of its own: rows per second and
 * the peak RSS of that process (target ≤ 300 MB: the export streams).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Parallellm } from "parallellm";
import { type Figure, peakRssMb, runJsonChild, time, withTempDirectory } from "./bench-util.js";

const calls = Number(process.env.EXPORT_CALLS ?? 1_000_000);
const formats = ["parquet", "jsonl"] as const;

interface ExportRun {
  readonly rows: number;
  readonly bytes: number;
  readonly ms: number;
  readonly peakRssMb: number;
}

export async function exportBenchmark(): Promise<Figure[]> {
  // Loaded here, not in the child: its imports (the mock providers, zod) would count in the child's peak RSS.
  const { cachedLargeWorkspace } = await import("./large-workspace.js");
  const workspace = cachedLargeWorkspace(calls);
  return withTempDirectory(async (directory) => {
    const figures: Figure[] = [];
    for (const format of formats) {
      const out = join(directory, `calls.${format}`);
      const run = runJsonChild<ExportRun>(fileURLToPath(import.meta.url), ["--export", workspace, format, out], format);
      rmSync(out);
      const benchmark = `export ${format}`;
      figures.push(
        { benchmark, metric: "rows", value: run.rows, unit: "rows" },
        { benchmark, metric: "rows per second", value: Math.round(run.rows / (run.ms / 1000)), unit: "rows/s" },
        { benchmark, metric: "file size", value: Math.round(run.bytes / 1e6), unit: "MB" },
        { benchmark, metric: "peak RSS", value: Math.round(run.peakRssMb), unit: "MB", target: "≤ 300 MB" },
      );
    }
    return figures;
  });
}

/** In the child: one export, its figures as the last line of stdout. */
async function exportOnce(workspace: string, format: (typeof formats)[number], out: string): Promise<void> {
  await using reader = await Parallellm.inspect(workspace);
  const { ms, result } = await time(() => reader.export({ format, out }));
  console.log(JSON.stringify({ ...result, ms, peakRssMb: peakRssMb() } satisfies ExportRun));
}

const [flag, ...rest] = process.argv.slice(2);
if (flag === "--export") await exportOnce(rest[0], rest[1] as (typeof formats)[number], rest[2]);
