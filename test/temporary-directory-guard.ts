/**
 * Vitest global setup: the test run gets a temporary directory of its own
 * (TMPDIR, TMP, TEMP, inherited by every worker and child process), and the
 * run fails if a test leaves anything in it.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh temporary directory under `parent`, and the check to run when the tests are done. */
export function watchTemporaryDirectory(parent: string): { directory: string; finish: () => void } {
  const directory = mkdtempSync(join(parent, "pllm-test-run-"));
  // As open as the system's own: tests run children as another user (`nobody`), who make files here too.
  chmodSync(directory, 0o1777);
  return {
    directory,
    finish() {
      // tsx keeps its compile cache (`tsx-<uid>`) in the temporary directory of the children it runs.
      const left = readdirSync(directory)
        .filter((name) => !/^tsx-\d+$/.test(name))
        .sort();
      rmSync(directory, { recursive: true, force: true });
      if (left.length === 0) return;
      const listed = left.slice(0, 10).join(", ") + (left.length > 10 ? ", …" : "");
      throw new Error(
        `The tests left ${left.length} entries in the temporary directory: ${listed}. Each test must remove what it makes there (tempWorkspace in test/helpers.ts does it for you).`,
      );
    },
  };
}

export default function setup(): () => void {
  const { directory, finish } = watchTemporaryDirectory(tmpdir());
  for (const name of ["TMPDIR", "TMP", "TEMP"]) process.env[name] = directory;
  return () => {
    try {
      finish();
    } catch (error) {
      // Vitest prints an error thrown at teardown but would still exit 0.
      process.exitCode = 1;
      throw error;
    }
  };
}
