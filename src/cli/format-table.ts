/** Aligned columns for the text output of `pllm` commands. */
import { stripVTControlCharacters } from "node:util";

/** How a column lines up: text to the left, numbers to the right. */
export type ColumnAlign = "left" | "right";

/**
 * `rows` as lines of columns two spaces apart, each as wide as its widest cell
 * (colour escapes do not count); `align` gives each column's side (default left).
 * The last column is not padded, so lines carry no trailing spaces.
 */
export function formatTable(rows: readonly (readonly string[])[], align: readonly ColumnAlign[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, visibleLength(cell));
    });
  }
  return rows.map((row) =>
    row
      .map((cell, column) => {
        const padding = " ".repeat(widths[column] - visibleLength(cell));
        if (align[column] === "right") return padding + cell;
        return column === row.length - 1 ? cell : cell + padding;
      })
      .join("  ")
      .trimEnd(),
  );
}

/** `"… and 12 more"` for rows left out of a list, or nothing when none were. */
export function moreLines(hidden: number, what = "more"): string[] {
  return hidden > 0 ? [`… and ${hidden.toLocaleString("en-US")} ${what}`] : [];
}

/** `lines` two spaces in, under a section's title. */
export function indent(lines: readonly string[]): string[] {
  return lines.map((line) => `  ${line}`);
}

/** `text` cut to `width` characters with an ellipsis, on one line. */
export function oneLine(text: string, width: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= width ? flat : `${flat.slice(0, width - 1)}…`;
}

function visibleLength(text: string): number {
  return stripVTControlCharacters(text).length;
}
