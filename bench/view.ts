/**
 * view: `pllm view`'s calls table on a workspace of 1,000,000 calls (the shared
 * large workspace), through HTTP with the server in this process: the server time
 * of a page of 50 calls — the first page, a deep page (from the middle of the
 * table), pages filtered by model, status and agent glob — and filters by text
 * (one that few calls hold reads every prompt and answer: reported, no target).
 * Each is the best of five requests after one warm-up, in milliseconds. Also the
 * overview and the live-change signature the server polls every second.
 */
import { Parallellm } from "parallellm";
import { encodeCursor } from "../src/store/sql/sql-reader-calls.js";
import { startViewServer } from "../src/view/view-server.js";
import type { Figure } from "./bench-util.js";
import { cachedLargeWorkspace } from "./large-workspace.js";

const calls = Number(process.env.VIEW_CALLS ?? 1_000_000);
const tries = 5;

export async function viewBenchmark(): Promise<Figure[]> {
  const directory = cachedLargeWorkspace(calls);
  await using reader = await Parallellm.inspect(directory);
  await using server = await startViewServer({ reader });
  const deep = encodeCursor({ agent: `doc-${Math.floor(calls / 16)}`, hash: "", occurrence: 0 });
  const pages: [string, string, string | undefined][] = [
    ["calls page: the first 50", "/api/calls?limit=50", "<= 100"],
    ["calls page: a deep page", `/api/calls?limit=50&after=${deep}`, "<= 100"],
    ["calls page: filtered by model", "/api/calls?limit=50&model=gemini-2.5-flash", "<= 100"],
    ["calls page: filtered by status (failed)", "/api/calls?limit=50&status=failed", "<= 100"],
    ["calls page: filtered by status (unanswered: none)", "/api/calls?limit=50&status=unanswered", "<= 100"],
    ["calls page: filtered by agent glob", "/api/calls?limit=50&agent=doc-12345*", "<= 100"],
    [
      "calls page: filtered by text most calls hold",
      "/api/calls?limit=50&search=anchors%20to%20the%20north",
      undefined,
    ],
    [
      "calls page: filtered by text one call holds (reads every prompt and answer)",
      "/api/calls?limit=50&search=Reference%202N9C.",
      undefined,
    ],
    ["overview", "/api/overview", undefined],
    ["live-change signature (polled every second)", "/api/events", undefined],
  ];
  const figures: Figure[] = [];
  for (const [metric, path, target] of pages) {
    const ms =
      path === "/api/events" ? await bestOf(() => reader.changes()) : await bestOf(() => fetchOk(server.url, path));
    figures.push({
      benchmark: "view",
      metric: `${metric} (${calls.toLocaleString("en-US")} calls)`,
      value: ms,
      unit: "ms",
      ...(target ? { target } : {}),
    });
  }
  return figures;
}

async function fetchOk(base: string, path: string): Promise<void> {
  const response = await fetch(new URL(path, base));
  if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { calls?: unknown[] };
  // The large workspace holds no unanswered call: that page is the time to find there are none.
  if (body.calls?.length === 0 && !path.includes("status=unanswered")) {
    throw new Error(`GET ${path} found no calls: the figure would be of nothing`);
  }
}

/** The fastest of `tries` runs after one warm-up, in milliseconds. */
async function bestOf(run: () => Promise<unknown>): Promise<number> {
  await run();
  let best = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < tries; attempt++) {
    const started = performance.now();
    await run();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}
