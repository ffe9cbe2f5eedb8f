/**
 * "Did you mean": the known name a mistyped one was most likely meant to be,
 * for error messages about unknown option keys, providers and the like.
 */

/**
 * The candidate closest to `name`: the same apart from case, `_` and `-`
 * (`max_tokens` → `maxTokens`); one that starts with it or that it starts
 * with (`grace` → `graceMs`); or one within a small edit distance, counting
 * a swap of two neighbours as one edit (`stratgy` → `strategy`, `rmp` →
 * `rpm`). `undefined` when none is close enough to guess.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const wanted = _normalize(name);
  let best: string | undefined;
  let bestDistance = wanted.length >= 5 ? 2 : 1;
  for (const candidate of candidates) {
    const known = _normalize(candidate);
    if (known === wanted) return candidate;
    const prefix = Math.min(wanted.length, known.length) >= 3 && (known.startsWith(wanted) || wanted.startsWith(known));
    const distance = prefix ? 0.5 : _editDistance(wanted, known, bestDistance);
    if (distance <= bestDistance && (best === undefined || distance < bestDistance)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

// --- internal ---

function _normalize(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, "");
}

/** Optimal string alignment distance; stops early once it must exceed `limit`. */
function _editDistance(left: string, right: string, limit: number): number {
  if (Math.abs(left.length - right.length) > limit) return limit + 1;
  let previousRow: number[] = [];
  let row = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i++) {
    const beforeRow = previousRow;
    previousRow = row;
    row = [i];
    let rowMinimum = i;
    for (let j = 1; j <= right.length; j++) {
      const cost = left[i - 1] === right[j - 1] ? 0 : 1;
      let distance = Math.min(previousRow[j] + 1, row[j - 1] + 1, previousRow[j - 1] + cost);
      if (i > 1 && j > 1 && left[i - 1] === right[j - 2] && left[i - 2] === right[j - 1]) {
        distance = Math.min(distance, beforeRow[j - 2] + 1);
      }
      row[j] = distance;
      rowMinimum = Math.min(rowMinimum, distance);
    }
    if (rowMinimum > limit) return limit + 1;
  }
  return row[right.length];
}
