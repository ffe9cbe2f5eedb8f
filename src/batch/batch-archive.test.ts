import { mkdirSync, readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { tempWorkspace } from "../../test/helpers.js";
import { BatchArchive } from "./batch-archive.js";

it("writes lines through its buffer, reads any of them back by offset, and holds long and non-ASCII lines whole", () => {
  const workspace = tempWorkspace();
  mkdirSync(workspace, { recursive: true });
  const file = new BatchArchive(workspace).createOutput("t1");
  const lines = ['{"a":"é"}', "x".repeat(200_000), ...Array.from({ length: 5000 }, (_, index) => `{"n":${index}}`)];
  const offsets = lines.map((line) => file.add(line));

  expect(file.lineAt(offsets[0])).toBe(lines[0]);
  expect(file.lineAt(offsets[1])).toBe(lines[1]);
  expect(file.lineAt(offsets.at(-1)!)).toBe(lines.at(-1));
  file.close();
  expect(readFileSync(file.path, "utf8")).toBe(`${lines.join("\n")}\n`);
});
