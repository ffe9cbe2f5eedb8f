import { readdirSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { runPllm, tempDirectory, tempWorkspace } from "./helpers.js";

const pipeline = new URL("./fixtures/cli-pipeline.ts", import.meta.url).pathname;
let server: FakeProviderServer;

beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());

function pllm(
  args: string[],
  workspace: string,
  settings: { env?: NodeJS.ProcessEnv; onStderr?: (stderr: string, pid: number) => void } = {},
) {
  const env = { ...process.env, PLLM_FAKE_URL: server.url, PLLM_TEST_WORKSPACE: workspace, ...settings.env };
  return runPllm(args, env, settings.onStderr);
}

// Each runs four or five pipeline processes, slow on a busy machine.
const processesTimeout = 180_000;

it(
  "pllm run --wait reruns as fresh processes until nothing is pending, then exits 0",
  async () => {
    server.setBatchBehavior({ completeAfterPolls: 1 });
    const { code, stdout, stderr } = await pllm(
      ["run", pipeline, "--wait", "--poll-interval", "0.05"],
      tempWorkspace(),
    );
    expect(stderr).toMatch(/done after \d+ run\(s\): nothing is pending/);
    expect(code).toBe(0);
    const result = JSON.parse(stdout.slice(stdout.lastIndexOf('{\n  "topic"')));
    expect(result.lines).toHaveLength(2);
  },
  processesTimeout,
);

it(
  "pllm run --wait exits non-zero with a clear message when a batch fails permanently",
  async () => {
    server.setBatchBehavior({ outcome: "failed" });
    const { code, stderr } = await pllm(["run", pipeline, "--wait", "--poll-interval", "0.05"], tempWorkspace());
    expect(code).toBe(1);
    expect(stderr).toMatch(/1 batch\(es\) failed permanently:[\s\S]*fix the requests and run again/);
  },
  processesTimeout,
);

/** The fake provider rejects the request for line 2 inside its batch. */
function rejectLineTwo(): void {
  server.setBatchBehavior({
    failRequest: (context) =>
      context.prompt.startsWith("Line 2 ") ? { status: 400, message: "Line 2 is not allowed." } : undefined,
  });
}

it(
  "pllm run --wait exits non-zero naming a request rejected inside a batch; the pipeline's error names it",
  async () => {
    rejectLineTwo();
    const failed = await pllm(["run", pipeline, "--wait", "--poll-interval", "0.01"], tempWorkspace());
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/Agent "line-2" .*HTTP 400: Line 2 is not allowed\. .*--retry-failed/);
  },
  processesTimeout,
);

it(
  "pllm run --wait stops naming a call that failed for good (onError: record); --retry-failed sends it again",
  async () => {
    rejectLineTwo();
    const workspace = tempWorkspace();
    const env = { PLLM_TEST_ON_ERROR: "record" };
    const failed = await pllm(["run", pipeline, "--wait", "--poll-interval", "0.01"], workspace, { env });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /pllm: 1 call\(s\) failed for good and are not sent again \(first: agent "line-2" \(openai\/gpt-4\.1-mini\): HTTP 400: Line 2 is not allowed\.\)\. .*--retry-failed/,
    );

    server.setBatchBehavior({});
    const retried = await pllm(["run", pipeline, "--wait", "--retry-failed", "--poll-interval", "0.01"], workspace, {
      env,
    });
    expect(retried.stderr).toMatch(/done after 2 run\(s\): nothing is pending/);
    expect(retried.code).toBe(0);
    const result = JSON.parse(retried.stdout.slice(retried.stdout.lastIndexOf('{\n  "topic"')));
    expect(result.lines).toHaveLength(2);
  },
  processesTimeout,
);

it(
  "pllm run --wait stopped by SIGTERM or SIGINT between runs exits 143 or 130 and leaves no temporary files",
  async () => {
    server.setBatchBehavior({ completeAfterPolls: 1_000 });
    for (const [signal, exitCode] of [
      ["SIGTERM", 143],
      ["SIGINT", 130],
    ] as const) {
      const temporary = tempDirectory();
      let sent = false;
      const { code, stderr } = await pllm(["run", pipeline, "--wait", "--poll-interval", "60"], tempWorkspace(), {
        env: { TMPDIR: temporary },
        onStderr: (text, pid) => {
          if (sent || !/next run in/.test(text)) return;
          sent = true;
          process.kill(pid, signal);
        },
      });
      expect({ signal, code, stderr }).toEqual({ signal, code: exitCode, stderr: expect.stringMatching(/stopped by/) });
      expect(readdirSync(temporary).filter((name) => name.startsWith("pllm-"))).toEqual([]);
    }
  },
  processesTimeout,
);

it("pllm run (once) runs one round and reports the pending batch", async () => {
  server.setBatchBehavior({});
  const { code, stderr } = await pllm(["run", pipeline], tempWorkspace());
  expect(code).toBe(0);
  expect(stderr).toMatch(/collected 1 calls/);
  expect(stderr).toMatch(/pending\s+1 batch/);
});

it("pllm run explains a module without a pipeline", async () => {
  const { code, stderr } = await pllm(
    ["run", new URL("./fixtures/no-pipeline.ts", import.meta.url).pathname],
    tempWorkspace(),
  );
  expect(code).not.toBe(0);
  expect(stderr).toContain("has no pipeline: export one with `export default async function (pllm)");
});
