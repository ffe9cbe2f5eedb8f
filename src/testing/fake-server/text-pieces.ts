/**
 * How the fake server cuts an answer's text (or a tool call's arguments) into
 * the deltas of a stream: pieces of a few characters, about a token each, so
 * that JSON arrives in partial objects as from a real model. Never an empty piece.
 */
export function textPieces(text: string): string[] {
  // By code point, as a provider never splits one.
  return text.match(/[\s\S]{1,6}/gu) ?? [];
}
