import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDirectory } from "./helpers.js";
import { hasProgram, requireProgram, type Skippable } from "./requirements.js";

/** Records the reason instead of skipping, as Vitest's context would skip. */
function recordingContext(): Skippable & { skipped: string[] } {
  const skipped: string[] = [];
  return {
    skipped,
    skip(note: string): never {
      skipped.push(note);
      throw new Error("skipped");
    },
  };
}

describe("requireProgram", () => {
  it("finds an executable on the PATH, and not a file that cannot be run", () => {
    const directory = tempDirectory();
    writeFileSync(join(directory, "some-tool"), "#!/bin/sh\n");
    chmodSync(join(directory, "some-tool"), 0o755);
    writeFileSync(join(directory, "plain-file"), "");
    expect(hasProgram("some-tool", `/no/such/directory:${directory}`)).toBe(true);
    expect(hasProgram("plain-file", directory)).toBe(false);
    expect(hasProgram("missing-tool", directory)).toBe(false);
  });

  it("lets the test run when the program is there", () => {
    const directory = tempDirectory();
    writeFileSync(join(directory, "some-tool"), "#!/bin/sh\n");
    chmodSync(join(directory, "some-tool"), 0o755);
    const context = recordingContext();
    requireProgram(context, "some-tool", { PATH: directory, CI: "true" });
    expect(context.skipped).toEqual([]);
  });

  it("skips with a one-line reason when the program is missing", () => {
    const context = recordingContext();
    expect(() => requireProgram(context, "missing-tool", { PATH: tempDirectory() })).toThrow("skipped");
    expect(context.skipped).toEqual(["needs `missing-tool`, which is not installed"]);
  });

  it("fails instead of skipping under CI=true", () => {
    const context = recordingContext();
    expect(() => requireProgram(context, "missing-tool", { PATH: tempDirectory(), CI: "true" })).toThrow(
      "This test cannot run here: needs `missing-tool`, which is not installed. CI must run every test: provide it in .ci/run.",
    );
    expect(context.skipped).toEqual([]);
  });
});
