/**
 * replay: 100,000 stored asks over 1,000 agents, replayed. Floor: hashing the
 * same prompts plus a raw better-sqlite3 point lookup for each, in this run.
 */

import { spawnSync } from "node:child_process";
import { hash as digest } from "node:crypto";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { Parallellm, type ParallellmOptions } from "parallellm";
import { MockProvider } from "parallellm/testing";
import { type Figure, peakRssMb, seededRandom, shuffled, time, withTempDirectory } from "./bench-util.js";

export const agents = Number(process.env.REPLAY_AGENTS ?? 1000);
export const asksPerAgent = Number(process.env.REPLAY_ASKS ?? 100);

const promptOf = (agent: number, ask: number) =>
  `Classify document ${agent}-${ask} into one of: invoice, receipt, contract, letter. Reply with the label only.`;

/** `agents` agents of `asksPerAgent` asks each, asked one after another; resolves to the characters of the answers. */
export async function pipeline(pllm: Parallellm): Promise<number> {
  let characters = 0;
  await pllm.forEach(
    Array.from({ length: agents }, (_, index) => index),
    (index) => `doc-${index}`,
    async (index, agent) => {
      for (let ask = 0; ask < asksPerAgent; ask++) {
        // Awaited before the sum is read: \`characters += await …\` would lose the other agents' additions.
        const text = await agent.ask(promptOf(index, ask)).text();
        characters += text.length;
      }
    },
  );
  return characters;
}

function floor(path: string): number {
  // The same number of hashes and indexed point lookups against a table of the same size, in a file.
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.exec(
    "CREATE TABLE answers (agent TEXT, hash TEXT, occurrence INTEGER, text TEXT, PRIMARY KEY (agent, hash, occurrence))",
  );
  const insert = db.prepare("INSERT INTO answers VALUES (?, ?, 0, ?)");
  db.transaction(() => {
    for (let agent = 0; agent < agents; agent++) {
      for (let ask = 0; ask < asksPerAgent; ask++) {
        const hash = digest("sha256", promptOf(agent, ask), "base64url");
        insert.run(`doc-${agent}`, hash, `label ${agent} ${ask}`);
      }
    }
  })();
  const lookup = db.prepare("SELECT text FROM answers WHERE agent = ? AND hash = ? AND occurrence = ?").raw(true);
  const started = performance.now();
  let characters = 0;
  for (let agent = 0; agent < agents; agent++) {
    for (let ask = 0; ask < asksPerAgent; ask++) {
      const hash = digest("sha256", promptOf(agent, ask), "base64url");
      characters += (lookup.get(`doc-${agent}`, hash, 0) as [string])[0].length;
    }
  }
  const ms = performance.now() - started;
  db.close();
  return characters > 0 ? ms : Number.NaN;
}

export const options = { llm: "mock-1", maxConcurrency: 256, summary: false } as const;

/** A stream that discards what it gets, as a terminal (panel) or a pipe (plain lines). */
function nullStream(isTTY: boolean): NodeJS.WriteStream {
  const stream = new Writable({ write: (_chunk, _encoding, done) => done() });
  return Object.assign(stream, { isTTY, columns: 100, rows: 30 }) as unknown as NodeJS.WriteStream;
}

/** The first run, which stores every answer; run in a child process so it does not count in this one's memory. */
export async function fillWorkspace(workspace: string): Promise<void> {
  const pllm = await Parallellm.open(workspace, { ...options, providers: { mock: new MockProvider() } });
  await pipeline(pllm);
  await pllm.close();
}

export async function replayBenchmark(): Promise<Figure[]> {
  return withTempDirectory(async (directory) => {
    const workspace = join(directory, "replay");
    const fill = await time(() => {
      const child = spawnSync(
        process.execPath,
        ["--import", "tsx", fileURLToPath(import.meta.url), "fill", workspace],
        {
          stdio: "inherit",
        },
      );
      if (child.status !== 0) throw new Error(`filling the replay workspace failed (${child.status})`);
    });
    const replayWith = (dashboard: ParallellmOptions["dashboard"]) =>
      time(async () => {
        const pllm = await Parallellm.open(workspace, {
          ...options,
          providers: { mock: new MockProvider() },
          dashboard,
          // The summary goes nowhere, but its presence keeps the dashboard on.
          summary: dashboard === false ? false : () => {},
        });
        await pipeline(pllm);
        return pllm.close();
      });
    const replay = await replayWith(false);
    if (replay.result.sent !== 0) throw new Error(`replay sent ${replay.result.sent} calls`);
    // Interleaved, best of five (one replay swings by ±10% on a busy box), so warm-up favours none of the
    // three; each round in its own order, or a major GC falls on the same one of them every round.
    const variants: Record<"off" | "plain" | "panel", () => ParallellmOptions["dashboard"]> = {
      off: () => false,
      plain: () => ({ stream: nullStream(false), plainIntervalMs: 100 }),
      panel: () => ({ stream: nullStream(true) }),
    };
    const best = { off: Number.POSITIVE_INFINITY, plain: Number.POSITIVE_INFINITY, panel: Number.POSITIVE_INFINITY };
    const random = seededRandom(2026);
    for (let round = 0; round < 5; round++) {
      for (const name of shuffled(["off", "plain", "panel"] as const, random)) {
        best[name] = Math.min(best[name], (await replayWith(variants[name]())).ms);
      }
    }
    const floorMs = Math.min(floor(join(directory, "floor-1.sqlite")), floor(join(directory, "floor-2.sqlite")));
    const total = agents * asksPerAgent;
    return [
      {
        benchmark: "replay",
        metric: `first run in a child process (${total} asks sent to the in-process mock)`,
        value: fill.ms,
        unit: "ms",
      },
      {
        benchmark: "replay",
        metric: `replay wall time (${total} asks, ${agents} agents)`,
        value: replay.ms,
        unit: "ms",
      },
      { benchmark: "replay", metric: "floor: sha256 + raw SQLite point lookup", value: floorMs, unit: "ms" },
      { benchmark: "replay", metric: "ratio replay / floor", value: replay.ms / floorMs, unit: "x", target: "<= 2.0" },
      { benchmark: "replay", metric: "replay per ask", value: (replay.ms * 1000) / total, unit: "µs" },
      { benchmark: "replay", metric: "peak RSS", value: peakRssMb(), unit: "MB" },
      {
        benchmark: "dashboard",
        metric: "replay, plain progress lines / dashboard off",
        value: best.plain / best.off,
        unit: "x",
        target: "<= 1.05",
      },
      {
        benchmark: "dashboard",
        metric: "replay, live TTY panel / dashboard off",
        value: best.panel / best.off,
        unit: "x",
        target: "<= 1.05",
      },
    ];
  });
}

if (process.argv[2] === "fill") await fillWorkspace(process.argv[3]);
