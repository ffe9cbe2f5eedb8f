/**
 * The live dashboard on a real pseudo-terminal (tmux): user output printed
 * through agent.log stays whole above the panel, the panel is cleared at the
 * end, and the summary follows.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { expect, it } from "vitest";
import { tempWorkspace } from "./helpers.js";
import { requireProgram } from "./requirements.js";

const child = new URL("./fixtures/dashboard-child.ts", import.meta.url).pathname;

/**
 * Runs the child on a tmux terminal `columns` wide and 40 rows high (with
 * `environment` before it) until it ends; returns the screens seen while it ran
 * and, at the end, the screen and all that scrolled off it.
 */
async function runOnTerminal(columns: number, environment = "") {
  const workspace = tempWorkspace();
  const done = `${workspace}.done`;
  const session = `pllm-dashboard-${process.pid}`;
  const command = `${environment} ${process.execPath} --import tsx ${child} ${workspace}; touch ${done}; sleep 30`;
  execFileSync("tmux", ["new-session", "-d", "-s", session, "-x", String(columns), "-y", "40", command]);
  try {
    const frames: string[] = [];
    for (let waited = 0; !existsSync(done) && waited < 30_000; waited += 50) {
      frames.push(execFileSync("tmux", ["capture-pane", "-p", "-t", session]).toString());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(existsSync(done)).toBe(true);
    const screen = execFileSync("tmux", ["capture-pane", "-p", "-S", "-", "-t", session]).toString();
    return { frames, screen };
  } finally {
    execFileSync("tmux", ["kill-session", "-t", session]);
  }
}

it("draws the panel on a terminal without tearing user output", async (context) => {
  requireProgram(context, "tmux");
  {
    const { frames, screen } = await runOnTerminal(110);
    // While running, the panel was visible at some point.
    expect(frames.some((frame) => /parallellm async .*\d+\/40 items/.test(frame))).toBe(true);
    expect(frames.some((frame) => /replayed 0 {2}sent \d+ {2}received \d+ {2}stored \d+/.test(frame))).toBe(true);
    // Every log line is whole, on its own line, in order.
    const logged = screen.split("\n").filter((line) => line.includes("finished item"));
    expect(logged).toEqual(
      [0, 10, 20, 30].map((index) => `[item-${index}] finished item ${index}, a line that must stay whole`),
    );
    // The panel is cleared at the end; the summary follows.
    const normalized = screen.replace(/\d+(\.\d+)?/g, "#").replace(/\/tmp\/\S+/, "<workspace>");
    expect(normalized).not.toMatch(/items {2}#\/s/);
    expect(normalized).toContain("  calls     # asked: # replayed from the store, # sent, # received, # failed");
  }
});

it("prints log records above the panel, each line whole, on the panel's terminal", async (context) => {
  requireProgram(context, "tmux");
  const { frames, screen } = await runOnTerminal(300, "PLLM_LOG_LEVEL=debug");
  // The panel drew while records were printed.
  expect(frames.some((frame) => /parallellm async .*\d+\/40 items/.test(frame) && / DEBUG /.test(frame))).toBe(true);
  const records = screen.split("\n").filter((line) => / (DEBUG|INFO|WARN|ERROR) /.test(line));
  const record = /^\d{4}-\d\d-\d\dT[\d:.]+Z (DEBUG|INFO ) (send|receive|session opened|session closed) session=1 /;
  expect(records.filter((line) => !record.test(line))).toEqual([]);
  const sent = records.filter((line) => / DEBUG send /.test(line));
  const received = records.filter((line) => / DEBUG receive /.test(line));
  expect(sent).toHaveLength(40);
  expect(received).toHaveLength(40);
  // A record is a line of its own, whole (the terminal is wide enough for one), with nothing else in it.
  for (const line of received)
    expect(line).toMatch(
      / agent=item-\d+ call=[\w-]{12}#0 provider=mock model=mock-1 attempt=1 durationMs=\d+ finishReason=stop inputTokens=\d+ outputTokens=\d+ textChars=\d+ toolCalls=0$/,
    );
  // User output is whole as well, and the panel is cleared at the end.
  const logged = screen.split("\n").filter((line) => line.includes("finished item"));
  expect(logged).toEqual(
    [0, 10, 20, 30].map((index) => `[item-${index}] finished item ${index}, a line that must stay whole`),
  );
  expect(screen.replace(/\d+(\.\d+)?/g, "#")).not.toMatch(/items {2}#\/s/);
});
