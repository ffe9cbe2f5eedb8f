/**
 * `npx tsx scripts/view-screenshots.ts` — makes `docs/view-overview.png` and
 * `docs/view-call.png`, the README's pictures of `pllm view`: a realistic
 * workspace (the tournament demo, then scouting reports on each team's logo with
 * a structured answer, one refused, a coach's conversation with a fork, and a
 * round of recaps left waiting in a provider batch), all offline against the fake
 * provider server, shown in headless Chromium.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { z } from "zod";
import { tournament } from "../examples/tournament-pipeline.js";
import { image, Parallellm } from "../src/index.js";
import { startFakeProviderServer } from "../src/testing/index.js";
import { startViewServer } from "../src/view/view-server.js";
import { launchBrowser } from "../test/browser.js";

const teams = ["Chiefs", "Bills", "Eagles", "49ers", "Ravens", "Lions", "Packers", "Cowboys"];
/** What the scout's fake model sees in each logo. */
const colourNames: Readonly<Record<string, string[]>> = {
  Chiefs: ["red", "gold"],
  Bills: ["royal blue", "red"],
  Eagles: ["midnight green", "silver"],
  "49ers": ["red", "gold"],
  Ravens: ["purple", "gold"],
  Lions: ["Honolulu blue", "silver"],
  Packers: ["dark green", "gold"],
  Cowboys: ["navy", "silver"],
};

const directory = join(mkdtempSync(join(tmpdir(), "pllm-view-screenshots-")), "tournament");
const fake = await startFakeProviderServer({ latencyMs: 5 });
fake.script({ match: /NFL teams/, reply: teams.join("\n") });
fake.script({
  match: /Scout the /,
  reply: ({ prompt }) => {
    const team = /Scout the (\w+)/.exec(prompt)?.[1] ?? "";
    return JSON.stringify({ team, colours: colourNames[team] ?? [], confidence: 0.93 });
  },
});
fake.failNext({
  status: 400,
  message: "The image is too small to read a logo from.",
  match: "Scout the Lions",
  provider: "openai",
});
const base = { clients: fake.clientsFor(), summary: false, onError: "record", llm: "gpt-4.1-mini" } as const;
try {
  await Parallellm.run(directory, { ...base, strategy: "async" }, tournament);
  const report = z.object({ team: z.string(), colours: z.array(z.string()), confidence: z.number() });
  await Parallellm.run(directory, { ...base, strategy: "async", keepRaw: true }, (pllm) =>
    pllm.forEach(
      teams,
      (team) => `scout/${team}`,
      (team, agent) =>
        agent
          .ask(
            [
              `Scout the ${team}: which team's logo is this, and in which colours?`,
              image(logo(teams.indexOf(team)), "image/png"),
            ],
            {
              schema: report,
              instructions: "Answer from the picture alone.",
            },
          )
          .value(),
    ),
  );
  await Parallellm.run(directory, { ...base, llm: "claude-sonnet-4-6", strategy: "async" }, (pllm) =>
    pllm.agent("coach", async (agent) => {
      const plan = agent.conversation("game-plan");
      await plan.ask("Draft a game plan against the Chiefs.").text();
      await Promise.all([
        plan.fork("defence").ask("Focus it on defence.").text(),
        plan.fork("offence").ask("Focus it on offence.").text(),
      ]);
    }),
  );
  await Parallellm.run(directory, { ...base, strategy: "batch" }, (pllm) =>
    pllm.forEach(
      teams,
      (team) => `recap/${team}`,
      (team, agent) => agent.ask(`Recap the ${team}' season.`).text(),
    ),
  );
  await using reader = await Parallellm.inspect(directory);
  await using server = await startViewServer({ reader });
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(server.url);
    await page.locator("#failures").waitFor();
    await page.screenshot({ path: "docs/view-overview.png", fullPage: true });
    const [scout] = (await reader.calls({ agent: "scout/Chiefs" })).calls;
    await page.goto(new URL(`/call?id=${scout!.id}`, server.url).toString());
    await page.locator("figure.image img").waitFor();
    await page.screenshot({ path: "docs/view-call.png", fullPage: true });
  } finally {
    await browser.close();
  }
} finally {
  await fake.close();
  rmSync(join(directory, ".."), { recursive: true, force: true });
}

/** A 48×48 PNG: two diagonal bands in a team's colours. */
function logo(team: number): Buffer {
  const colours = [
    [
      [227, 24, 55],
      [255, 184, 28],
    ],
    [
      [0, 51, 141],
      [198, 12, 48],
    ],
    [
      [0, 76, 84],
      [165, 172, 175],
    ],
    [
      [170, 0, 0],
      [173, 153, 93],
    ],
    [
      [36, 23, 115],
      [158, 124, 12],
    ],
    [
      [0, 118, 182],
      [176, 183, 188],
    ],
    [
      [24, 48, 40],
      [255, 184, 28],
    ],
    [
      [0, 53, 148],
      [134, 147, 151],
    ],
  ][team]!;
  const size = 48;
  const rows = Array.from({ length: size }, (_, y) =>
    Buffer.from([0, ...Array.from({ length: size }, (_, x) => colours[Math.floor((x + y) / 16) % 2]!).flat()]),
  );
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(Buffer.concat(rows))),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}
