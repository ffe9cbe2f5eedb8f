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
it("draws the panel on a terminal without tearing user output", async (context) => {
  requireProgram(context, "tmux");
  const workspace = tempWorkspace();
  const done = `${workspace}.done`;
  const session = `pllm-dashboard-${process.pid}`;
  const command = `${process.execPath} --import tsx ${child} ${workspace}; touch ${done}; sleep 30`;
  execFileSync("tmux", ["new-session", "-d", "-s", session, "-x", "110", "-y", "40", command]);
  try {
    const frames: string[] = [];
    for (let waited = 0; !existsSync(done) && waited < 30_000; waited += 50) {
      frames.push(execFileSync("tmux", ["capture-pane", "-p", "-t", session]).toString());
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(existsSync(done)).toBe(true);
    const screen = execFileSync("tmux", ["capture-pane", "-p", "-t", session]).toString();
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
  } finally {
    execFileSync("tmux", ["kill-session", "-t", session]);
  }
});
