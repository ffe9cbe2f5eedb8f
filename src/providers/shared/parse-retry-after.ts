/**
 * The delay a provider asked for, in milliseconds, from `retry-after-ms`
 * (milliseconds) or `retry-after` (seconds, or an HTTP date).
 * `undefined` when neither header is present or readable. Mirrors how the openai and
 * Anthropic SDKs read these headers.
 *
 * @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Retry-After
 */
export function parseRetryAfterMs(
  headers: { get(name: string): string | null } | undefined,
  now: number = Date.now(),
): number | undefined {
  const milliseconds = _number(headers?.get("retry-after-ms"));
  if (milliseconds !== undefined) return milliseconds;
  const value = headers?.get("retry-after")?.trim();
  if (!value) return undefined;
  const seconds = _number(value);
  if (seconds !== undefined) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

// --- internal ---

function _number(text: string | null | undefined): number | undefined {
  if (text === null || text === undefined || text.trim() === "") return undefined;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}
