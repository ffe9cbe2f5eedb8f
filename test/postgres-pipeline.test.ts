/**
 * A pipeline on PostgreSQL end to end: Parallellm -> the official SDKs -> the
 * fake provider server, with the store in a PostgreSQL schema, in every
 * strategy: text, structured output, an image, a conversation and tool calls
 * converge, then replay with nothing sent; the workspace directory keeps only
 * local files (the batch archive).
 */
import { existsSync, readdirSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { z } from "zod";
import { tournament } from "../examples/tournament-pipeline.js";
import { image, Parallellm, type ParallellmOptions } from "../src/index.js";
import { postgresStore } from "../src/postgres.js";
import type { StrategyName } from "../src/strategies/strategy.js";
import { type FakeProviderServer, type ReplyContext, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";
import { pixel } from "./mixed-workspace.js";
import { describePg, pgUrl, tempSchema } from "./postgres.js";

const teams = ["Chiefs", "Bills", "Eagles", "49ers", "Ravens", "Lions", "Packers", "Cowboys"];
const tools = {
  count_files: { description: "Count the files in a directory.", parameters: z.object({ directory: z.string() }) },
};
let server: FakeProviderServer;

beforeAll(async () => {
  server = await startFakeProviderServer();
  server.script({ match: /NFL teams/, reply: teams.join("\n") });
  const counting = (context: ReplyContext) => JSON.stringify(context.body).includes("[count]");
  server.script({
    match: (context) => counting(context) && !context.afterToolResult,
    reply: { toolCalls: [{ name: "count_files", args: { directory: "src" } }] },
  });
  server.script({ match: (context) => counting(context) && context.afterToolResult, reply: "There are 3 files." });
});
afterAll(() => server.close());

/** The tournament, then one agent that looks at an image, holds a conversation and calls a tool. */
async function everything(pllm: Parallellm) {
  const standings = await tournament(pllm);
  const desk = await pllm.agent("desk", async (agent) => {
    const picture = agent.ask(["Who is in the picture?", image(pixel, "image/png")]);
    const ticket = agent.conversation("ticket", { instructions: "You answer customer tickets." });
    await ticket.ask("My order has not arrived.").text();
    await ticket.ask("It was order 1234.").text();
    const counted = await agent.runTools("How many files are there? [count]", {
      tools,
      handlers: { count_files: ({ directory }) => ({ directory, files: 3 }) },
    });
    return {
      picture: await picture.text(),
      ticket: ticket.messages,
      counted: await counted.response.text(),
      steps: counted.steps.length,
    };
  });
  return standings && desk ? { standings, desk } : undefined;
}

/** 29 asks of the tournament; the desk's image, two conversation turns and two tool steps. */
const asks = 29 + 1 + 2 + 2;

function options(strategy: StrategyName, schema: string): ParallellmOptions {
  return {
    llm: "gpt-4.1-mini",
    strategy,
    clients: server.clientsFor(),
    summary: false,
    store: postgresStore(pgUrl, { schema }),
    // Hybrid: the 28 games go in a batch, the rounds of one call are sent directly.
    batch: strategy === "hybrid" ? { minSize: 10 } : undefined,
  };
}

describePg("a pipeline on PostgreSQL", () => {
  let expected: Awaited<ReturnType<typeof everything>>;
  beforeAll(async () => {
    const sqlite = { llm: "gpt-4.1-mini", strategy: "sync", clients: server.clientsFor(), summary: false } as const;
    expected = (await Parallellm.run(tempWorkspace("sqlite"), sqlite, everything)).result;
    expect(expected?.standings?.champion).toMatch(/\S/);
  });

  for (const strategy of ["sync", "async", "batch", "hybrid"] as const) {
    it(`${strategy}: Parallellm.run(untilDone) converges to the SQLite result, then replays with 0 sends`, async () => {
      const directory = tempWorkspace(strategy);
      // One options object, as a user writes it: every run of untilDone opens the same store again.
      const pgOptions = options(strategy, tempSchema());
      const done = await Parallellm.run(directory, pgOptions, everything, { untilDone: true, pollInterval: 1 });
      expect(done.result).toEqual(expected);
      if (strategy === "batch") expect(done.runs).toBeGreaterThan(2);

      const before = server.requests.length;
      const again = await Parallellm.run(directory, pgOptions, everything);
      expect(again.result).toEqual(expected);
      expect(again.summary).toMatchObject({ asked: asks, replayed: asks, sent: 0, collected: 0, halted: 0 });
      expect(again.summary.drift).toMatchObject({ judged: true, drifted: false });
      expect(server.requests.length).toBe(before);
      expect(existsSync(directory) ? readdirSync(directory) : []).toEqual(
        strategy === "sync" || strategy === "async" ? [] : ["batches"],
      );
    });
  }

  it("one store object shared by two workspaces open at once: closing one leaves the other working", async () => {
    const pgOptions = options("async", tempSchema());
    const first = await Parallellm.open(tempWorkspace("first"), pgOptions);
    const second = await Parallellm.open(tempWorkspace("second"), pgOptions);
    const ask = (pllm: Parallellm, name: string) => pllm.agent(name, (agent) => agent.ask(`Say ${name}.`).text());
    expect(await ask(first, "one")).toMatch(/\S/);
    await first.close();
    expect(await ask(second, "two")).toMatch(/\S/);
    expect(await second.close()).toMatchObject({ sent: 1, received: 1 });
    const third = await Parallellm.open(tempWorkspace("third"), pgOptions);
    expect(await ask(third, "two")).toMatch(/\S/);
    expect(await third.close()).toMatchObject({ replayed: 1, sent: 0 });
  });

  it("dry-run: replays what the store holds and sends nothing for the rest", async () => {
    const schema = tempSchema();
    const directory = tempWorkspace("dry");
    const before = server.requests.length;
    const empty = await Parallellm.run(directory, options("dry-run", schema), everything);
    expect(empty.result).toBeUndefined();
    expect(empty.summary).toMatchObject({ replayed: 0, sent: 0 });
    expect(empty.summary.dryRun?.length).toBeGreaterThan(0);
    expect(server.requests.length).toBe(before);

    await Parallellm.run(directory, options("async", schema), everything);
    const sent = server.requests.length;
    const dry = await Parallellm.run(directory, options("dry-run", schema), everything);
    expect(dry.result).toEqual(expected);
    expect(dry.summary).toMatchObject({ asked: asks, replayed: asks, sent: 0 });
    expect(dry.summary.dryRun ?? []).toEqual([]);
    expect(server.requests.length).toBe(sent);
  });
});
