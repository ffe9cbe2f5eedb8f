/**
 * Agent names matched by a glob as the `--agent` flags take them, with the
 * rules of SQLite's GLOB that the read-only view filters with, so `pllm retry`
 * and `pllm calls` agree on which agents a pattern names.
 */

/**
 * A test for names matching `glob`: `*` any run of characters, `?` one character,
 * `[abc]`, `[a-z]` and `[^abc]` one character of (or not of) a set, anything else
 * itself; case-sensitive. A name without `*`, `?` or `[` matches only itself.
 */
export function globMatcher(glob: string): (name: string) => boolean {
  if (!/[*?[]/.test(glob)) return (name) => name === glob;
  let source = "";
  for (let index = 0; index < glob.length; index++) {
    const character = glob[index];
    if (character === "*") source += ".*";
    else if (character === "?") source += ".";
    else if (character === "[") {
      const negated = glob[index + 1] === "^";
      const first = index + (negated ? 2 : 1);
      // As in SQLite, a "]" right after the opening bracket is a member of the set.
      const end = glob.indexOf("]", first + 1);
      if (end === -1) {
        source += "\\[";
        continue;
      }
      const members = glob.slice(first, end).replace(/[\\\]^[]/g, "\\$&");
      source += `[${negated ? "^" : ""}${members}]`;
      index = end;
    } else source += character.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  const pattern = new RegExp(`^${source}$`, "su");
  return (name) => pattern.test(name);
}
