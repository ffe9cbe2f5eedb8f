import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";

const made: string[] = [];

/** A fresh, empty directory, removed after the test. */
export function tempDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), "pllm-test-"));
  made.push(directory);
  return directory;
}

/** A fresh workspace directory (not made yet), removed after the test. */
export function tempWorkspace(name = "ws"): string {
  return join(tempDirectory(), name);
}

afterEach(() => {
  for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
});
