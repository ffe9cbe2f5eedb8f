/**
 * Two processes on one SQLite workspace: the second fails fast naming the
 * holder, or waits (`lock: "wait"`); a lock left by a killed process is taken
 * over, and when several processes race for it exactly one wins at a time.
 */
import { type ChildProcessByStdio, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { Parallellm, StoreError } from "../src/index.js";
import { MockProvider } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

const childScript = new URL("./fixtures/lock-child.ts", import.meta.url).pathname;
const stressScript = new URL("./fixtures/lock-stress-child.ts", import.meta.url).pathname;

interface LockChild {
  readonly pid: number;
  readonly lines: string[];
  /** Resolves with the first line starting with `prefix`. */
  waitFor(prefix: string): Promise<string>;
  send(line: string): void;
  readonly exited: Promise<number | null>;
  readonly process: ChildProcessByStdio<Writable, Readable, null>;
}

/** A child that opens `directory` when sent "go"; resolves once it is ready. */
async function startChild(directory: string, mode: "fail" | "wait", holdMs = 60_000): Promise<LockChild> {
  const child = spawn(process.execPath, ["--import", "tsx", childScript, directory, mode, String(holdMs)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines: string[] = [];
  const waiters: { prefix: string; resolve: (line: string) => void }[] = [];
  createInterface({ input: child.stdout }).on("line", (line) => {
    lines.push(line);
    for (const waiter of waiters.filter((candidate) => line.startsWith(candidate.prefix))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const handle: LockChild = {
    pid: child.pid!,
    lines,
    process: child,
    exited,
    waitFor: (prefix) => {
      const seen = lines.find((line) => line.startsWith(prefix));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ prefix, resolve });
        void exited.then(() => reject(new Error(`child ${child.pid} exited before "${prefix}": ${lines.join(" | ")}`)));
      });
    },
    send: (line) => child.stdin.write(`${line}\n`),
  };
  await handle.waitFor("ready");
  return handle;
}

const open = (directory: string, lock?: "fail" | "wait") =>
  Parallellm.open(directory, { llm: "mock-1", providers: { mock: new MockProvider() }, summary: false, lock });

/** A pid that is certainly not running: a process that has exited. */
function deadPid(): number {
  const finished = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(finished.stdout.toString());
}

function writeStaleLock(directory: string): string {
  mkdirSync(directory, { recursive: true });
  const path = join(directory, "store.sqlite.lock");
  writeFileSync(path, JSON.stringify({ pid: deadPid(), host: hostname(), since: Date.now() - 60_000, token: "old" }));
  return path;
}

describe("workspace lock", () => {
  it("a second process fails fast with a StoreError naming the holder's pid and host", async () => {
    const directory = tempWorkspace();
    const holder = await startChild(directory, "fail");
    holder.send("go");
    await holder.waitFor("acquired");

    const started = Date.now();
    const error = await open(directory).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain(`process ${holder.pid} on host ${hostname()}`);
    expect((error as Error).message).toMatch(/lock: "wait"/);
    expect(Date.now() - started).toBeLessThan(1000);

    holder.send("close");
    await holder.waitFor("released");
    expect(await holder.exited).toBe(0);
    const pllm = await open(directory);
    await pllm.close();
    expect(existsSync(join(directory, "store.sqlite.lock"))).toBe(false);
  });

  it('lock: "wait" waits until the holder closes the workspace', async () => {
    const directory = tempWorkspace();
    const holder = await startChild(directory, "fail");
    holder.send("go");
    await holder.waitFor("acquired");

    let opened = false;
    const waiting = open(directory, "wait").then((pllm) => {
      opened = true;
      return pllm;
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(opened).toBe(false);
    holder.send("close");
    await holder.waitFor("released");
    const pllm = await waiting;
    // The holder's answer is there: the waiter saw the store after the holder committed and closed.
    const summary = await pllm.agent(`holder-${holder.pid}`, (agent) => agent.ask(`Hello from ${holder.pid}`).text());
    expect(summary).toMatch(/Mock answer/);
    expect((await pllm.close()).replayed).toBe(1);
  });

  it("the same process opening a workspace twice fails, and waits with lock: wait", async () => {
    const directory = tempWorkspace();
    const first = await open(directory);
    await expect(open(directory)).rejects.toThrow(/this process: close the other Parallellm first/);
    const second = open(directory, "wait");
    await first.close();
    await (await second).close();
  });

  it("takes over a lock left by a process that was killed", async () => {
    const directory = tempWorkspace();
    const holder = await startChild(directory, "fail");
    holder.send("go");
    await holder.waitFor("acquired");
    holder.process.kill("SIGKILL");
    await holder.exited;
    const lockPath = join(directory, "store.sqlite.lock");
    expect(JSON.parse(readFileSync(lockPath, "utf8")).pid).toBe(holder.pid);

    const pllm = await open(directory);
    const held = JSON.parse(readFileSync(lockPath, "utf8"));
    expect(held.pid).toBe(process.pid);
    await pllm.close();
    expect(existsSync(lockPath)).toBe(false);
    const db = new Database(join(directory, "store.sqlite"), { readonly: true });
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    db.close();
  });

  it("a lock with our own pid from before this process started (a restarted container) is taken over", async () => {
    const directory = tempWorkspace();
    mkdirSync(directory, { recursive: true });
    const lockPath = join(directory, "store.sqlite.lock");
    const lock = (since: number) =>
      writeFileSync(lockPath, JSON.stringify({ pid: process.pid, host: hostname(), since, token: "earlier" }));
    lock(Date.now() + 1000); // taken after this process started: another thread of it may hold it
    await expect(open(directory)).rejects.toThrow(/this process: close the other Parallellm first/);
    lock(Date.now() - process.uptime() * 1000 - 60_000);
    await (await open(directory)).close();
    expect(existsSync(lockPath)).toBe(false);
  });

  it("a lock on another host is never taken over", async () => {
    const directory = tempWorkspace();
    mkdirSync(directory, { recursive: true });
    const lockPath = join(directory, "store.sqlite.lock");
    writeFileSync(lockPath, JSON.stringify({ pid: deadPid(), host: "elsewhere.example", since: 0, token: "x" }));
    await expect(open(directory)).rejects.toThrow(/on host elsewhere\.example.*If that process no longer runs, delete/);
    expect(existsSync(lockPath)).toBe(true);
  });

  it("processes racing for a stale lock: exactly one wins and the others name it", async () => {
    const directory = tempWorkspace();
    writeStaleLock(directory);
    const racers = await Promise.all(Array.from({ length: 3 }, () => startChild(directory, "fail", 1000)));
    for (const racer of racers) racer.send("go");
    const outcomes = await Promise.all(racers.map((racer) => racer.waitFor("acquired").catch(() => "refused")));
    await Promise.all(racers.map((racer) => racer.exited));
    const winners = racers.filter((_, index) => outcomes[index] === "acquired");
    expect(winners).toHaveLength(1);
    expect(winners[0].lines).not.toContain("overlap");
    for (const loser of racers.filter((racer) => racer !== winners[0])) {
      expect(loser.lines.join("\n")).toMatch(new RegExp(`refused StoreError .*in use by process ${winners[0].pid}`));
    }
    const db = new Database(join(directory, "store.sqlite"), { readonly: true });
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    db.close();
  });

  it("stress: four processes take the lock 150 times each, dying while holding it every fifth time; never two inside", async () => {
    const directory = tempWorkspace();
    mkdirSync(directory, { recursive: true });
    const dead = deadPid();
    const startAt = Date.now() + 2500;
    const runs = Array.from(
      { length: 4 },
      () =>
        new Promise<string>((resolve, reject) => {
          const child = spawn(
            process.execPath,
            [
              "--import",
              "tsx",
              stressScript,
              join(directory, "store.sqlite.lock"),
              join(directory, "inside.marker"),
              "150",
              String(dead),
              String(startAt),
            ],
            { stdio: ["ignore", "pipe", "inherit"] },
          );
          let output = "";
          child.stdout.on("data", (chunk: Buffer) => {
            output += chunk.toString();
          });
          child.on("exit", (code) => (code === 0 ? resolve(output.trim()) : reject(new Error(`exit ${code}`))));
        }),
    );
    expect(await Promise.all(runs)).toEqual(["done 0", "done 0", "done 0", "done 0"]);
  });
});
