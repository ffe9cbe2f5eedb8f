/**
 * The conversation and tool examples, run as a user runs them (`tsx`, no API
 * key: the offline fake provider server), twice each: the second run resumes
 * (chat) or replays (the others).
 */
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { tempWorkspace } from "./helpers.js";

const examples = new URL("../examples/", import.meta.url).pathname;

/** Runs an example with `input` on stdin; resolves to its stdout and stderr. */
function runExample(name: string, workspace: string, args: string[] = [], input = "") {
  const env: NodeJS.ProcessEnv = { ...process.env, PLLM_WORKSPACE: workspace };
  for (const key of ["OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY"]) delete env[key];
  return new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", `${examples}${name}`, ...args], { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("exit", (code) => (code === 0 ? resolve({ stdout, stderr }) : reject(new Error(`${name}: ${stderr}`))));
    child.stdin.end(input);
  });
}

describe("examples", () => {
  it("chat.ts resumes the conversation after a restart", async () => {
    const workspace = tempWorkspace();
    const first = await runExample("chat.ts", workspace, [], "Hi there!\n");
    expect(first.stdout).toMatch(/^ {2}Answer to: Hi there!/);
    const second = await runExample("chat.ts", workspace, [], "And now?\n/quit\nnot read\n");
    const lines = second.stdout.trim().split("\n");
    expect(lines.slice(0, 2)).toEqual(["> Hi there!", first.stdout.trimEnd()]);
    expect(lines[2]).toMatch(/^ {2}Answer to: And now\?/);
    expect(lines).toHaveLength(3);
  });

  it("message-state.ts forks twice and replays everything on the second run", async () => {
    const workspace = tempWorkspace();
    const first = await runExample("message-state.ts", workspace);
    expect(first.stdout).toMatch(/--- happy \(6 messages\)[\s\S]*--- sad \(6 messages\)[\s\S]*8 states in the tree/);
    const second = await runExample("message-state.ts", workspace);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toMatch(/4 asked: 4 replayed from the store, 0 sent/);
  });

  it("debate.ts holds three rounds on two providers, then replays them", async () => {
    const workspace = tempWorkspace();
    const first = await runExample("debate.ts", workspace);
    expect(first.stdout).toMatch(/Round 3\nalice: .+\nbob: .+\n\n0 answers replayed from the store, 6 sent/);
    const second = await runExample("debate.ts", workspace);
    expect(second.stdout).toMatch(/6 answers replayed from the store, 0 sent/);
  });

  for (const llm of ["gpt-4.1-mini", "claude-sonnet-4-5", "gemini-2.5-flash"]) {
    it(`count-files.ts --llm ${llm} counts with node:fs through the tool loop`, async () => {
      const first = await runExample("count-files.ts", tempWorkspace(), ["--llm", llm]);
      expect(first.stdout).toMatch(/count_files\(\{"directory":"src"\}\) -> \{"directory":"src","files":\d+\}/);
      expect(first.stdout).toMatch(/src has \d+ files, test has \d+ files: \d+ in total\./);
    });
  }
});
