/** `pllm export`: every call of a workspace (or those the filters pick) as one row of a JSONL, CSV or Parquet file. */
import { defineCommand } from "citty";
import { type ExportFormat, exportFormats } from "../export/export-row.js";
import { writeFailure, writeRows } from "../export/write-export.js";
import { UsageError } from "./cli-error.js";
import { callFilterArgs, callFilterOf, printJson, withWorkspace, workspaceArgs } from "./workspace-args.js";

export const exportCommand = defineCommand({
  meta: {
    name: "export",
    description:
      "Write one row per call (prompt, answer, tokens, cost, timing, batch) to a JSONL, CSV or Parquet file.",
  },
  args: {
    ...workspaceArgs,
    format: { type: "string", required: true, description: exportFormats.join(" | "), valueHint: "format" },
    out: {
      type: "string",
      required: true,
      description: "The file to write (- for stdout: jsonl, csv)",
      valueHint: "file",
    },
    force: { type: "boolean", description: "Replace the --out file if it exists" },
    ...callFilterArgs,
  },
  async run({ args }) {
    const format = args.format as ExportFormat;
    if (!exportFormats.includes(format)) {
      throw new UsageError(`--format takes one of ${exportFormats.join(", ")}; got "${args.format}".`);
    }
    const toStdout = args.out === "-";
    if (toStdout && format === "parquet") {
      throw new UsageError("--out - (stdout) takes jsonl or csv; a Parquet file needs a file name.");
    }
    if (toStdout && args.json) {
      throw new UsageError("--json prints a summary on stdout, where --out - writes the rows; choose one.");
    }
    const filter = callFilterOf(args);
    await withWorkspace(args, async (reader) => {
      if (toStdout) {
        try {
          await writeRows(reader.exportRows(filter), format, process.stdout);
        } catch (error) {
          // The reader of the pipe stopped reading (`| head`): nothing is wrong, there is just no one to write to.
          if ((error as { code?: string }).code === "EPIPE") return;
          throw writeFailure(error, "stdout");
        }
        return;
      }
      const { rows, bytes } = await reader.export({ ...filter, format, out: args.out, force: args.force === true });
      if (args.json) printJson({ format, out: args.out, rows, bytes });
      else
        process.stdout.write(
          `Exported ${rows.toLocaleString("en-US")} ${rows === 1 ? "call" : "calls"} to ${args.out} (${formatBytes(bytes)}).\n`,
        );
    });
  },
});

// --- internal ---

function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  const [size, unit] = bytes < 1e6 ? [bytes / 1e3, "kB"] : bytes < 1e9 ? [bytes / 1e6, "MB"] : [bytes / 1e9, "GB"];
  return `${size.toFixed(1)} ${unit}`;
}
