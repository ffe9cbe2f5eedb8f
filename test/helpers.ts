import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import type { ParallellmOptions } from "../src/index.js";
import { createOpenAIProvider } from "../src/openai.js";
import type { FakeProviderServer } from "../src/testing/index.js";

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

const cli = new URL("../src/cli/main.ts", import.meta.url).pathname;

/**
 * Runs the `pllm` command from source with `env` as its whole environment;
 * `onStderr` and `onStdout` see each stream so far as it grows (to signal the process at a moment).
 */
export function runPllm(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  onStderr?: (stderr: string, pid: number) => void,
  onStdout?: (stdout: string, pid: number) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", cli, ...args], { env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      onStdout?.(stdout, child.pid!);
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      onStderr?.(stderr, child.pid!);
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * OpenAI's Chat Completions API on a fake server, as a provider of its own:
 * `providers: openaiChat(server)` with `llm: "openai-chat:gpt-4.1-mini"`.
 */
export function openaiChat(server: FakeProviderServer): ParallellmOptions["providers"] {
  return {
    "openai-chat": createOpenAIProvider({ name: "openai-chat", client: server.clientsFor().openai, api: "chat" }),
  };
}

/** Every delta of a text stream (`handle.textStream()`), in order. */
export async function collectDeltas(stream: AsyncIterable<string>): Promise<string[]> {
  const deltas: string[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}
