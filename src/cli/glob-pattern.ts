/** Agent names matched by a shell-style glob (`judge-*`, `round-?`), as the `--agent` flags take them. */

/** A test for names matching `glob`: `*` any run of characters, `?` one character, anything else itself. */
export function globMatcher(glob: string): (name: string) => boolean {
  const source = Array.from(glob, (character) => {
    if (character === "*") return ".*";
    if (character === "?") return ".";
    return character.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }).join("");
  const pattern = new RegExp(`^${source}$`, "su");
  return (name) => pattern.test(name);
}
