import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";

const made: string[] = [];

/** A fresh workspace directory, removed after the test. */
export function tempWorkspace(name = "ws"): string {
  const root = mkdtempSync(join(tmpdir(), "pllm-test-"));
  made.push(root);
  return join(root, name);
}

afterEach(() => {
  for (const directory of made.splice(0)) rmSync(directory, { recursive: true, force: true });
});
