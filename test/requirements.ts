/**
 * For tests that need something of the machine: a program (tmux) or a right
 * (running a child as another user). Without it a test skips with a one-line
 * reason, except under CI, where it fails: CI must run every test.
 */
import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

/** The part of Vitest's test context that skipping needs. */
export interface Skippable {
  skip(note: string): never;
}

/** Whether an executable `program` is on `path` (a PATH value). */
export function hasProgram(program: string, path = process.env["PATH"] ?? ""): boolean {
  return path
    .split(delimiter)
    .filter(Boolean)
    .some((directory) => {
      const candidate = join(directory, program);
      try {
        accessSync(candidate, constants.X_OK);
        return statSync(candidate).isFile();
      } catch {
        return false;
      }
    });
}

/** Skips the running test with `reason` unless `available`; under `CI=true` fails instead. */
export function requireOrSkip(
  context: Skippable,
  available: boolean,
  reason: string,
  environment: NodeJS.ProcessEnv = process.env,
): void {
  if (available) return;
  if (["true", "1"].includes(environment["CI"] ?? "")) {
    throw new Error(`This test cannot run here: ${reason}. CI must run every test: provide it in .ci/run.`);
  }
  context.skip(reason);
}

/** Skips the running test unless `program` is installed (under `CI=true` fails instead). */
export function requireProgram(
  context: Skippable,
  program: string,
  environment: NodeJS.ProcessEnv = process.env,
): void {
  const reason = `needs \`${program}\`, which is not installed`;
  requireOrSkip(context, hasProgram(program, environment["PATH"]), reason, environment);
}
