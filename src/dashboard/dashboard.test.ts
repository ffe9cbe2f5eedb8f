import { PassThrough } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { createDashboard, type ProgressSnapshot, renderLine, renderPanel } from "./dashboard.js";

const snapshot: ProgressSnapshot = {
  strategy: "async",
  elapsedMs: 12_500,
  asked: 620,
  replayed: 400,
  sent: 220,
  received: 212,
  failed: 3,
  collected: 0,
  batchesPending: 0,
  waitingOnWorkers: 0,
  itemsDone: 612,
  itemsTotal: 1000,
  models: [
    { model: "gpt-4.1-mini", received: 150, inputTokens: 10_200, outputTokens: 4_100, uncounted: 0, cost: 0.01064 },
    { model: "my-local-model", received: 62, inputTokens: 900, outputTokens: 300, uncounted: 0, cost: undefined },
    { model: "gemini-embedding-001", received: 9, inputTokens: 0, outputTokens: 0, uncounted: 9, cost: undefined },
  ],
};

const strip = stripVTControlCharacters;

describe("dashboard rendering", () => {
  it("renders the terminal panel: bar, rate, ETA, counts, a line per model", () => {
    expect(strip(renderPanel(snapshot, 100))).toMatchInlineSnapshot(`
      "parallellm async 12.5s  ████████████████████████░░░░░░░░░░░░░░░░ 612/1000 items  49.0/s  ETA 7.9s
        replayed 400  sent 220  received 212  stored 212  failed 3  collected 0  batches pending 0
        gpt-4.1-mini              150 answers  10.2k in / 4.1k out  $0.0106
        my-local-model             62 answers  900 in / 300 out  no price
        gemini-embedding-001        9 answers  0 in / 0 out  no token counts"
    `);
  });

  it("renders the plain line for CI and pipes; a model without a price shows tokens only", () => {
    expect(renderLine(snapshot)).toBe(
      "[parallellm 12.5s] 612/1000 items · replayed 400 · sent 220 · received 212 · failed 3 · collected 0 · batches pending 0 · 15.5k tokens",
    );
    expect(renderLine({ ...snapshot, models: [snapshot.models[0]] })).toMatch(/14\.3k tokens · \$0\.0106$/);
  });

  it("shows the asks waiting on other workers (a claim they hold, another shard) only when there are some", () => {
    const waiting = { ...snapshot, waitingOnWorkers: 12 };
    expect(strip(renderPanel(waiting, 120)).split("\n")[1]).toBe(
      "  replayed 400  sent 220  received 212  stored 212  failed 3  collected 0  batches pending 0  waiting on others 12",
    );
    expect(renderLine(waiting)).toContain(" · batches pending 0 · waiting on others 12 · 15.5k tokens");
    expect(renderLine(snapshot)).not.toContain("waiting");
  });

  it("off a terminal, writes a plain line every interval and user output to the output stream", async () => {
    const stream = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
    const output = new PassThrough();
    let progress = "";
    let printed = "";
    (stream as unknown as PassThrough).on("data", (chunk) => {
      progress += chunk;
    });
    output.on("data", (chunk) => {
      printed += chunk;
    });
    const dashboard = createDashboard({ snapshot: () => snapshot, stream, output, plainIntervalMs: 10 });
    dashboard.log("hello from the pipeline");
    // Timers slip on a busy machine: wait for two lines rather than a fixed time.
    for (let waited = 0; progress.split("\n").filter(Boolean).length < 2 && waited < 5000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    dashboard.stop();
    expect(printed).toBe("hello from the pipeline\n");
    expect(progress.split("\n").filter(Boolean).length).toBeGreaterThanOrEqual(2);
    expect(progress).toContain("[parallellm 12.5s] 612/1000 items");
  });
});
