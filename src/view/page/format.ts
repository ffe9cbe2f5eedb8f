/** How the page writes numbers, money and times. */
import { unknownCostLabel } from "../../providers/model-prices.js";

const counts = new Intl.NumberFormat("en-US");

/** `1234567` → `1,234,567`; `undefined` → `–`. */
export function formatCount(value: number | undefined): string {
  return value === undefined ? "–" : counts.format(value);
}

/**
 * USD with cents, more digits below a cent; `undefined` → why it is unknown: `no token counts`
 * when `uncounted` answers came without them, else `no price`.
 */
export function formatMoney(value: number | undefined, uncounted = 0): string {
  if (value === undefined) return unknownCostLabel(uncounted);
  if (value !== 0 && Math.abs(value) < 0.01) return `$${value.toPrecision(2)}`;
  return `$${value.toFixed(2)}`;
}

/** A time stored as milliseconds since the epoch, in the viewer's locale. */
export function formatTime(at: number | undefined): string {
  return at === undefined ? "–" : new Date(at).toLocaleString();
}

/** How long ago `at` was: `12 s`, `5 min`, `3 h`, `2 d`. */
export function formatAge(at: number, now = Date.now()): string {
  return formatDuration(Math.max(0, now - at));
}

/** A duration in milliseconds, in the largest unit that keeps it above 1. */
export function formatDuration(milliseconds: number): string {
  const seconds = milliseconds / 1000;
  if (seconds < 1) return `${Math.round(milliseconds)} ms`;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

/** The first `length` characters of `text` on one line. */
export function oneLine(text: string | undefined, length = 120): string {
  const line = (text ?? "").replace(/\s+/g, " ").trim();
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}
