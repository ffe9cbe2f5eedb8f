/**
 * Parse a tool call's `arguments`, which OpenAI sends as a JSON string.
 * Models occasionally produce invalid JSON; then the raw string is kept as the
 * arguments, so nothing is lost and the caller can decide what to do.
 *
 * @see https://platform.openai.com/docs/guides/function-calling
 */
export function parseOpenAIToolArguments(text: unknown): unknown {
  if (typeof text !== "string") return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
