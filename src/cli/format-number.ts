/** Numbers as people read them in `pllm` output: counts, money, bytes. */
import { unknownCostLabel } from "../providers/model-prices.js";

/** A whole count with thousands separators: `1,234`. */
export function formatCount(value: number): string {
  return value.toLocaleString("en-US");
}

/**
 * US dollars: four decimals below $1 (`$0.0123`), cents above (`$1,234.56`), two significant
 * digits below a hundredth of a cent (`$0.000049`, never a made-up `$0.0000`); when the cost
 * is not known, why: `"no token counts"` when `uncounted` answers came without them, else
 * `"no price"` (a model without a price).
 */
export function formatMoney(value: number | undefined, uncounted = 0): string {
  if (value === undefined) return unknownCostLabel(uncounted);
  if (value !== 0 && Math.abs(value) < 0.0001) {
    return `$${value.toFixed(Math.min(20, 1 - Math.floor(Math.log10(Math.abs(value)))))}`;
  }
  const digits = Math.abs(value) < 1 ? 4 : 2;
  return `$${value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

/** A size in bytes: `512 B`, `1.5 KB`, `12.0 MB` (powers of 1,024). */
export function formatBytes(value: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let size = value;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${size.toFixed(1)} ${units[unit]}`;
}

/** A part of a whole as a percentage: `42%`; `0%` of nothing. */
export function formatPercent(part: number, whole: number): string {
  return `${whole === 0 ? 0 : Math.floor((part / whole) * 100)}%`;
}
