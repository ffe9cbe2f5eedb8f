import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { watchTemporaryDirectory } from "./temporary-directory-guard.js";

it("the whole run has a temporary directory of its own", () => {
  expect(tmpdir()).toMatch(/pllm-test-run-/);
});

it("passes when the tests removed what they made, and removes the directory", () => {
  const { directory, finish } = watchTemporaryDirectory(tmpdir());
  mkdirSync(join(directory, "tsx-0"));
  writeFileSync(join(directory, "tsx-0", "cache"), "");
  expect(() => finish()).not.toThrow();
  expect(existsSync(directory)).toBe(false);
});

it("fails naming what a test left, and still removes the directory", () => {
  const { directory, finish } = watchTemporaryDirectory(tmpdir());
  mkdirSync(join(directory, "pllm-input-abc"));
  writeFileSync(join(directory, "stray.txt"), "");
  expect(() => finish()).toThrow(/left 2 entries in the temporary directory: pllm-input-abc, stray.txt/);
  expect(existsSync(directory)).toBe(false);
});
