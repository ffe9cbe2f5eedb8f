/**
 * Export rows as lines of text: JSON Lines (one object per line, every column
 * present, `null` where a row has no value) and CSV (RFC 4180: a header row,
 * CRLF line ends, a field quoted when it holds a comma, a quote or a line break).
 * Timestamps are ISO 8601 (UTC) in both; JSON columns are nested in JSONL and
 * JSON text in CSV; a vector is an array of numbers in JSONL and base64 of its
 * little-endian 32-bit floats in CSV.
 */
import { encodeVector } from "../core/vector-bytes.js";
import { type ExportRow, exportColumnNames, exportColumns } from "./export-row.js";

/** One row as a JSON Lines line (with its newline). */
export function jsonlLine(row: ExportRow): string {
  const record: Record<string, unknown> = {};
  for (const name of exportColumnNames) {
    const value = row[name];
    const kind = exportColumns[name];
    record[name] =
      value === undefined
        ? null
        : kind === "timestamp"
          ? isoTime(value as number)
          : kind === "vector"
            ? Array.from(value as Float32Array)
            : value;
  }
  return `${JSON.stringify(record)}\n`;
}

/** The CSV header row (with its line end). */
export function csvHeader(): string {
  return `${exportColumnNames.map(csvField).join(",")}\r\n`;
}

/** One row as a CSV record (with its line end); an empty field where the row has no value. */
export function csvLine(row: ExportRow): string {
  let line = "";
  for (let index = 0; index < exportColumnNames.length; index++) {
    const name = exportColumnNames[index];
    if (index > 0) line += ",";
    const value = row[name];
    if (value === undefined) continue;
    const kind = exportColumns[name];
    line += csvField(
      kind === "json"
        ? JSON.stringify(value)
        : kind === "timestamp"
          ? isoTime(value as number)
          : kind === "vector"
            ? encodeVector(value as Float32Array).toString("base64")
            : String(value),
    );
  }
  return `${line}\r\n`;
}

/**
 * A CSV field (RFC 4180): quoted, its quotes doubled, when it holds a comma, a quote,
 * CR or LF; an empty text is `""`, so it differs from no value (an empty field).
 */
export function csvField(text: string): string {
  return text === "" || /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function isoTime(milliseconds: number): string {
  return new Date(milliseconds).toISOString();
}
