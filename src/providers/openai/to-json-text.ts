/**
 * Serialise a value for a wire field that must be a string (tool-call
 * `arguments`, tool-result `output`/`content`). Strings pass through unchanged,
 * so text the caller already serialised (or raw arguments that were not valid
 * JSON) is sent as it came; anything else becomes JSON.
 *
 * Shared helper: not OpenAI-specific, other adapters may import it.
 *
 * @example toJsonText({ temperature: 22 }) // '{"temperature":22}'
 * @example toJsonText("sunny") // 'sunny'
 */
export function toJsonText(value: unknown): string {
  if (typeof value === "string") return value;
  // JSON.stringify(undefined) is undefined; the wire needs a string.
  return JSON.stringify(value) ?? "null";
}
