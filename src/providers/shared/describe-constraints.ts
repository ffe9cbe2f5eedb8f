/**
 * Constraints a provider cannot take as JSON Schema keywords, written into the
 * description instead, so the model still reads them. The form is the one the
 * official Anthropic SDK's schema transform writes (`lib/transform-json-schema`
 * of `@anthropic-ai/sdk` 1.14): the description, a blank line, then
 * `{minimum: 1, maximum: 30}` with each value as JSON.
 */

/** `description` with `moved` appended; `description` itself when nothing moved. */
export function describeConstraints(
  description: unknown,
  moved: Readonly<Record<string, unknown>>,
): string | undefined {
  const entries = Object.entries(moved);
  const text = typeof description === "string" ? description : undefined;
  if (entries.length === 0) return text;
  const block = `{${entries.map(([key, value]) => `${key}: ${JSON.stringify(value)}`).join(", ")}}`;
  return text ? `${text}\n\n${block}` : block;
}
