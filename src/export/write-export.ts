/**
 * Writing export rows: to a stream in one of the formats, and to a file that
 * only ever appears whole (written as `<out>.partial`, renamed at the end, and
 * removed if anything fails midway).
 */

import { once } from "node:events";
import { createWriteStream, existsSync, rmSync, statSync } from "node:fs";
import { rename } from "node:fs/promises";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import { InputError, ParallellmError } from "../core/errors.js";
import type { CallFilter } from "../store/workspace-reader.js";
import { csvHeader, csvLine, jsonlLine } from "./export-lines.js";
import {
  type ExportFormat,
  type ExportOptions,
  type ExportResult,
  type ExportRow,
  exportFormats,
} from "./export-row.js";
import { ExportSink } from "./export-sink.js";
import { ParquetRows } from "./parquet-rows.js";

/** Text is handed to the stream in chunks of about this many characters. */
const textChunkCharacters = 1 << 16;

/** Writes `rows` to `stream` as `format`; the stream is left open. */
export async function writeRows(
  rows: AsyncIterable<ExportRow>,
  format: ExportFormat,
  stream: Writable,
): Promise<ExportResult> {
  checkFormat(format);
  const sink = new ExportSink(stream);
  let count = 0;
  if (format === "parquet") {
    const parquet = new ParquetRows(sink);
    for await (const row of rows) {
      await parquet.add(row);
      count++;
    }
    await parquet.finish();
    await sink.settled();
    return { rows: count, bytes: sink.bytes };
  }
  const lineOf = format === "csv" ? csvLine : jsonlLine;
  let text = format === "csv" ? csvHeader() : "";
  for await (const row of rows) {
    text += lineOf(row);
    count++;
    if (text.length >= textChunkCharacters) {
      await sink.write(text);
      text = "";
    }
  }
  if (text !== "") await sink.write(text);
  await sink.settled();
  return { rows: count, bytes: sink.bytes };
}

/**
 * Writes `rows` to the file `out` as `format`. Refuses an `out` that exists (unless
 * `force`), is a directory, whose directory does not exist, or that lies in `workspace`
 * (the directory exported, which an export never changes), before reading a row.
 */
export async function writeExportFile(
  rows: AsyncIterable<ExportRow>,
  options: { readonly format: ExportFormat; readonly out: string; readonly force?: boolean | undefined },
  workspace?: string,
): Promise<ExportResult> {
  const { format, out, force } = options;
  checkFormat(format);
  if (typeof out !== "string" || out === "") {
    throw new InputError(`export() takes out, the path of the file to write; got ${JSON.stringify(out)}.`);
  }
  const path = resolve(out);
  if (workspace !== undefined && isWithin(resolve(workspace), path)) {
    throw new InputError(
      `Cannot write ${out}: it is in the workspace ${workspace}, which an export leaves as it is. Write it elsewhere.`,
    );
  }
  if (!existsSync(dirname(path)) || !statSync(dirname(path)).isDirectory()) {
    throw new InputError(`Cannot write ${out}: its directory ${dirname(path)} does not exist. Create it first.`);
  }
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) throw new InputError(`Cannot write ${out}: it is a directory. Name a file.`);
    if (!force) throw new InputError(`${out} exists; pass --force (force: true) to replace it, or name another file.`);
  }
  const partial = `${path}.partial`;
  // "wx": a partial file already there is another export writing it, or one that was killed.
  const stream = createWriteStream(partial, { flags: "wx" });
  try {
    await once(stream, "open");
  } catch (error) {
    if ((error as { code?: string }).code === "EEXIST") {
      throw new InputError(
        `${partial} exists: another export is writing ${out}, or one was interrupted. Remove it and export again.`,
        { cause: error },
      );
    }
    throw error;
  }
  try {
    const result = await writeRows(rows, format, stream);
    stream.end();
    await finished(stream);
    await rename(partial, path);
    return result;
  } catch (error) {
    stream.destroy();
    rmSync(partial, { force: true });
    throw writeFailure(error, out, `; ${out} was not written${force ? " (nor replaced)" : ""}`);
  }
}

const filterKeys = ["agent", "status", "provider", "model", "session", "search"] as const;
const fileKeys = ["format", "out", "force"] as const;

/** `export()`'s options as the filter and the file; an option it does not take is refused (a misspelt filter would export every call). */
export function splitExportOptions(options: ExportOptions): {
  readonly filter: CallFilter;
  readonly file: Pick<ExportOptions, (typeof fileKeys)[number]>;
} {
  if (options === null || typeof options !== "object") {
    throw new InputError(`export() takes { format, out, force?, ...filters }, got ${String(options)}.`);
  }
  const known: readonly string[] = [...filterKeys, ...fileKeys];
  const unknown = Object.keys(options).filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new InputError(
      `export() does not take ${unknown.map((name) => `"${name}"`).join(", ")}; it takes ${known.join(", ")}.`,
    );
  }
  const { format, out, force, ...filter } = options;
  return { filter, file: { format, out, force } };
}

/**
 * A system error of writing `target` (ENOSPC, EIO, EPIPE…) as one line that says what
 * happened (`outcome` adds what became of the file) and what to do, its error as `cause`;
 * any other error as it is.
 */
export function writeFailure(error: unknown, target: string, outcome = ""): unknown {
  const system = error as NodeJS.ErrnoException | undefined;
  if (error instanceof ParallellmError || system?.syscall === undefined) return error;
  return new ParallellmError(
    `Writing ${target} failed (${system.code}: ${system.message})${outcome}. Check the disk space and permissions, and export again.`,
    { cause: error },
  );
}

function isWithin(directory: string, path: string): boolean {
  const inside = relative(directory, path);
  return inside === "" || !(inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside));
}

function checkFormat(format: unknown): asserts format is ExportFormat {
  if (!exportFormats.includes(format as ExportFormat)) {
    throw new InputError(`Unknown export format ${JSON.stringify(format)}; choose ${exportFormats.join(", ")}.`);
  }
}
