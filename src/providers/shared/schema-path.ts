/**
 * Where in a schema a provider's rule failed, told the way a user wrote it:
 * property names, `[]` for array items, `(option 2)` for a union member.
 */

/** One step down a schema: a keyword and, for lists and maps, the entry. */
export type SchemaStep = readonly [keyword: string, entry?: string];

/** The readable location of `path`, e.g. `shape (option 2).radius` or `grid[]`; `the root` for none. */
export function describeSchemaPath(path: readonly SchemaStep[]): string {
  let text = "";
  for (const [keyword, entry] of path) {
    if (keyword === "properties") text += text === "" ? entry : `.${entry}`;
    else if (keyword === "items" || keyword === "additionalProperties") text += "[]";
    else if (keyword === "anyOf" || keyword === "oneOf" || keyword === "allOf")
      text += ` (option ${Number(entry) + 1})`;
    else if (keyword === "$defs" || keyword === "definitions") text = `${entry}`;
  }
  return text === "" ? "the root" : `"${text.trim()}"`;
}
