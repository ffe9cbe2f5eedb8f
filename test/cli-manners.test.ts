/**
 * The pllm command behaves as a Unix tool: --version, one-line user errors
 * (exit 1), usage errors with the usage (exit 2), no ANSI colours off a terminal.
 */
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { runPllm, tempWorkspace } from "./helpers.js";

const badModelPipeline = new URL("./fixtures/bad-model-pipeline.ts", import.meta.url).pathname;
const version = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string })
  .version;

/** Runs pllm with stdout and stderr piped, in an environment such as a user's shell (no CI or TEST variables). */
function pllm(args: string[]) {
  const { CI: _ci, TEST: _test, NO_COLOR: _noColor, VITEST: _vitest, ...env } = process.env;
  return runPllm(args, { ...env, FORCE_COLOR: "1" });
}

/** The escape character that starts every ANSI colour code. */
const ansi = String.fromCharCode(27);

it("pllm --version prints the package version and exits 0", async () => {
  const { code, stdout } = await pllm(["--version"]);
  expect(stdout.trim()).toBe(version);
  expect(code).toBe(0);
});

it("a user error is one line on stderr, without a stack trace, and exits 1", async () => {
  const { code, stdout, stderr } = await pllm(["run", "/no/such/pipeline.ts"]);
  expect(code).toBe(1);
  expect(stdout).toBe("");
  expect(stderr.trim().split("\n")).toEqual(["pllm: No pipeline file at /no/such/pipeline.ts."]);
});

it("a ParallellmError from the pipeline is one line naming its kind, and exits 1", async () => {
  const workspace = tempWorkspace();
  const { code, stderr } = await pllm(["run", badModelPipeline, "--workspace", workspace]);
  expect(code).toBe(1);
  expect(stderr.trim().split("\n")).toHaveLength(1);
  expect(stderr).toMatch(/^pllm: InputError: Unknown model "gtp-4o"/);
});

it("a malformed flag prints the usage and the problem, and exits 2", async () => {
  const { code, stderr } = await pllm(["run", "x.ts", "--poll-interval", "soon", "--wait"]);
  expect(code).toBe(2);
  expect(stderr).toMatch(/USAGE/);
  expect(stderr).toMatch(/pllm: --poll-interval takes a number of seconds, got "soon"\.\n$/);
  expect(stderr).not.toMatch(/\n\s+at /);
});

it("an unknown flag is refused with the one probably meant, and exits 2, before anything runs", async () => {
  const { code, stdout, stderr } = await pllm(["run", badModelPipeline, "--stategy", "batch"]);
  expect(code).toBe(2);
  expect(stdout).toBe("");
  expect(stderr).toMatch(/pllm: Unknown option --stategy; did you mean --strategy\?\n$/);
  const { code: equalsCode, stderr: equalsError } = await pllm(["run", badModelPipeline, "--dryrun=true"]);
  expect(equalsCode).toBe(2);
  expect(equalsError).toMatch(/Unknown option --dryrun; did you mean --dry-run\?/);
});

it("an unknown command prints the usage and exits 2", async () => {
  const { code, stderr } = await pllm(["statuss"]);
  expect(code).toBe(2);
  expect(stderr).toMatch(/USAGE/);
  expect(stderr).toMatch(/Unknown command statuss/);
});

it("writes no ANSI colour codes to streams that are not terminals", async () => {
  const help = await pllm(["--help"]);
  expect(help.code).toBe(0);
  expect(help.stdout).toMatch(/USAGE/);
  expect(help.stdout).not.toContain(ansi);
  const runHelp = await pllm(["run", "--help"]);
  expect(runHelp.stdout).toMatch(/--wait/);
  expect(runHelp.stdout).not.toContain(ansi);
  const unknown = await pllm(["statuss"]);
  expect(unknown.stderr).not.toContain(ansi);
});
