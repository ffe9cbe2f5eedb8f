/**
 * Defensive readers for untrusted JSON bodies: they never throw, so `describe`
 * can run before validation.
 */

/** A plain JSON object. */
export type JsonObject = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `value` when it is an array, else `[]`. */
export function arrayOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `value` when it is an object, else `{}`. */
export function objectOf(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}

/** `value` when it is a string, else `undefined`. */
export function stringOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** The JSON type name the providers use in their messages. */
export function jsonTypeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value === "object" ? "object" : typeof value;
}

/** The first key of `body` that is not in `allowed`. */
export function firstUnknownKey(body: JsonObject, allowed: ReadonlySet<string>): string | undefined {
  return Object.keys(body).find((key) => !allowed.has(key));
}

/**
 * The text of the last user message that has text: `messages` are items with
 * `role` and `content` (a string, or parts of which those of `textPartType` carry `text`).
 */
export function lastUserText(messages: readonly unknown[], textPartType: string): string {
  for (const item of [...messages].reverse()) {
    const message = objectOf(item);
    if ((message.type ?? "message") !== "message" || message.role !== "user") continue;
    const text =
      typeof message.content === "string"
        ? message.content
        : arrayOf(message.content)
            .map((part) => objectOf(part))
            .filter((part) => part.type === textPartType)
            .map((part) => String(part.text ?? ""))
            .join("\n");
    if (text !== "") return text;
  }
  return "";
}
