/**
 * A clone of this repository, with nothing beside it, passes its own tests:
 * no source, test, benchmark, example, script or CI file names a path outside
 * the repository.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
const folders = ["src", "test", "bench", "examples", "scripts", ".ci"];
const skipped = new Set(["node_modules", "dist", ".pllm", "coverage"]);
/** The reading material beside the repository, which a bare clone does not have (spelled in parts, so this file does not name it). */
const readingMaterial = ["shared", "reference"].join("/");

it("no file under src, test, bench, examples, scripts or .ci refers to a path outside the repository", () => {
  // This file is left out: its examples below name such paths on purpose.
  const files = filesUnder(folders).filter((file) => file !== import.meta.filename);
  const outside = files.flatMap((file) => pathsOutside(file).map((path) => `${file}: ${path}`));
  expect(outside).toEqual([]);
});

it("finds each way a path can leave the repository", () => {
  const file = join(root, "src", "providers", "openai", "example.test.ts");
  const fixture = `${"../".repeat(4)}${readingMaterial}/x.json`;
  expect(outsidePaths(file, `readFileSync(new URL("${fixture}", import.meta.url))`)).toEqual([
    readingMaterial,
    "../".repeat(4),
    fixture,
  ]);
  expect(outsidePaths(file, 'join(import.meta.dirname, "..", "..", "..", "..", "data.json")')).toEqual([
    '"..", "..", "..", "..",',
  ]);
  expect(outsidePaths(file, 'import { x } from "../../../test/helpers.js"; new URL("..", import.meta.url)')).toEqual(
    [],
  );
});

// --- internal ---

function filesUnder(names: readonly string[]): string[] {
  return names
    .map((name) => join(root, name))
    .filter((path) => existsSync(path))
    .flatMap((path) => readdirSync(path, { recursive: true, withFileTypes: true }))
    .filter(
      (entry) =>
        entry.isFile() &&
        !relative(root, entry.parentPath)
          .split(sep)
          .some((part) => skipped.has(part)),
    )
    .map((entry) => join(entry.parentPath, entry.name));
}

function pathsOutside(file: string): string[] {
  return outsidePaths(file, readFileSync(file, "utf8"));
}

/** The paths in `text` (the content of `file`) that lead out of the repository. */
function outsidePaths(file: string, text: string): string[] {
  const found: string[] = [];
  if (text.includes(readingMaterial)) found.push(readingMaterial);
  for (const match of text.matchAll(/(?:\.\.\/){4,}/g)) found.push(match[0]);
  // A relative path in a string, taken from the file's own folder (imports, `new URL(…, import.meta.url)`).
  for (const match of text.matchAll(/["'`](\.\.?(?:\/[^"'`\s]*)?)["'`]/g)) {
    if (leavesRoot(resolve(dirname(file), match[1]!))) found.push(match[1]!);
  }
  // Path segments passed one by one: join(import.meta.dirname, "..", "..").
  for (const match of text.matchAll(/(?:["']\.\.["']\s*,\s*)+/g)) {
    const levels = match[0].split("..").length - 1;
    if (leavesRoot(resolve(dirname(file), ...Array(levels).fill("..")))) found.push(match[0].trim());
  }
  return found;
}

function leavesRoot(path: string): boolean {
  const fromRoot = relative(root, path);
  return fromRoot === ".." || fromRoot.startsWith(`..${sep}`);
}
