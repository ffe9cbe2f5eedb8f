/**
 * `pllm run --shard k/n`: worker k of n (from 1, as Playwright's and Jest's), bad
 * values as usage errors, and with `--wait` a worker that waits in its run for the
 * other shard's answers.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseShard } from "../src/cli/run-command.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { runPllm, tempWorkspace } from "./helpers.js";
import { describePg, pgUrl, tempSchema } from "./postgres.js";

const pipeline = new URL("./fixtures/cli-pipeline.ts", import.meta.url).pathname;
let server: FakeProviderServer;

beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());

it("--shard k/n counts from 1: 2/8 is shard index 1 of 8", () => {
  expect(parseShard("2/8")).toEqual({ index: 1, count: 8 });
  expect(parseShard("1/1")).toEqual({ index: 0, count: 1 });
  for (const bad of ["0/4", "5/4", "1/0", "2", "1/2/3", "a/b", "1.5/4", "-1/4", ""]) {
    expect(() => parseShard(bad), bad).toThrow(/--shard takes k\/n/);
  }
});

it("pllm run --shard: each worker sends its shard's calls, and a bad --shard exits 2", async () => {
  const workspace = tempWorkspace();
  const env = { ...process.env, PLLM_FAKE_URL: server.url, PLLM_TEST_WORKSPACE: workspace };
  const run = (shard: string) => runPllm(["run", pipeline, "--strategy", "async", "--shard", shard], env);
  // The agent "topic" is shard 1/2's; "line-1" and "line-2" are 2/2's.
  const before = server.requests.length;
  const waiting = await run("2/2");
  expect(waiting.code).toBe(0);
  expect(waiting.stderr).toContain("1 asks wait for another shard's worker to send them");
  expect(server.requests.length).toBe(before);

  expect((await run("1/2")).stderr).toContain("2 asks wait for another shard's worker");
  const done = await run("2/2");
  expect(JSON.parse(done.stdout).lines).toHaveLength(2);
  expect(server.requests.length - before).toBe(3);

  const bad = await run("0/2");
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--shard takes k/n, this worker\'s shard k of n counted from 1 (1/4 … 4/4), got "0/2"');
}, 120_000);

describePg("pllm run --shard --wait on a PostgreSQL store", () => {
  it("waits in its run for the other shard's answer, then sends its own and ends after one run", async () => {
    const schema = tempSchema();
    const env = { ...process.env, PLLM_FAKE_URL: server.url, PLLM_TEST_WORKSPACE: tempWorkspace() };
    const run = (shard: string, ...more: string[]) =>
      runPllm(
        ["run", pipeline, "--strategy", "async", "--pg", pgUrl!, "--pg-schema", schema, "--shard", shard, ...more],
        env,
      );
    // "line-1" and "line-2" are 2/2's, and need the answer of "topic", which is 1/2's.
    const waiting = run("2/2", "--wait", "--poll-interval", "1");
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const first = await run("1/2");
    expect(first.code).toBe(0);
    expect(first.stderr).toContain("2 asks wait for another shard's worker");

    const second = await waiting;
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).lines).toHaveLength(2);
    expect(second.stderr).toContain("pllm: done after 1 run(s)");
    expect(second.stderr).not.toContain("pllm: run 1:");
  }, 60_000);
});
