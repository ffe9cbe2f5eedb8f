import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDirectory } from "../../test/helpers.js";
import { judgeArchiveFiles } from "./archive-garbage.js";

describe("judgeArchiveFiles", () => {
  it("removes inputs of ended batches and files of unknown tags; keeps open batches' files and ingested outputs", () => {
    const workspace = tempDirectory();
    mkdirSync(join(workspace, "batches"));
    const names = [
      "open.input.jsonl",
      "sending.input.jsonl",
      "done.input.jsonl",
      "done.output.jsonl",
      "dropped.input.jsonl",
      "dropped.output.jsonl",
      "preview.input.jsonl",
      "notes.txt",
    ];
    for (const name of names) writeFileSync(join(workspace, "batches", name), "{}\n");
    const states = new Map([
      ["open", "pending"],
      ["sending", "submitting"],
      ["done", "ingested"],
      ["dropped", "abandoned"],
    ]);
    const verdicts = judgeArchiveFiles(workspace, states);
    expect(verdicts.map(({ path, remove }) => [path, remove])).toEqual([
      [join("batches", "done.input.jsonl"), true],
      [join("batches", "done.output.jsonl"), false],
      [join("batches", "dropped.input.jsonl"), true],
      [join("batches", "dropped.output.jsonl"), true],
      [join("batches", "open.input.jsonl"), false],
      [join("batches", "preview.input.jsonl"), true],
      [join("batches", "sending.input.jsonl"), false],
    ]);
    expect(verdicts.every((verdict) => verdict.bytes === 3)).toBe(true);
  });

  it("a workspace without archived batches has nothing to judge", () => {
    expect(judgeArchiveFiles(tempDirectory(), new Map())).toEqual([]);
  });
});
