import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Parallellm } from "../src/index.js";
import { costOf } from "../src/providers/model-prices.js";
import { type FakeProviderServer, MockProvider, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

const usage = { inputTokens: 1_000_000, outputTokens: 100_000 };

async function run(directory: string, llm: string, prompts: string[], extra: object = {}) {
  const mock = new MockProvider({ name: "openai", script: [{ reply: { text: "ok", usage } }] });
  const printed: string[] = [];
  const pllm = await Parallellm.open(directory, {
    llm,
    providers: { openai: mock },
    summary: (text) => printed.push(text),
    dashboard: false,
    ...extra,
  });
  await pllm.forEach(
    prompts,
    (prompt) => prompt,
    (prompt, agent) => agent.ask(prompt).text(),
  );
  const cost = await pllm.cost();
  const summary = await pllm.close();
  return { cost, summary, printed: printed.join("\n") };
}

describe("cost", () => {
  it("prices what a session spent, by model and agent, and what replay saved", async () => {
    const directory = tempWorkspace();
    const perCall = costOf("gpt-4.1-mini", { input: usage.inputTokens, output: usage.outputTokens })!;
    expect(perCall).toBeCloseTo(0.4 + 0.16);
    const first = await run(directory, "gpt-4.1-mini", ["a", "b"]);
    expect(first.cost.session.total).toBeCloseTo(2 * perCall);
    expect(first.cost.allTime.byAgent.map((line) => [line.name, line.answers])).toEqual([
      ["a", 1],
      ["b", 1],
    ]);
    expect(first.printed).toMatch(
      /cost {6}\$1\.1200 this session \(gpt-4\.1-mini \$1\.1200; prices of \d{4}-\d{2}-\d{2}\)/,
    );

    const second = await run(directory, "gpt-4.1-mini", ["a", "b", "c"]);
    expect(second.cost.session.total).toBeCloseTo(perCall);
    expect(second.cost.savedByReplay).toBeCloseTo(2 * perCall);
    expect(second.cost.allTime.total).toBeCloseTo(3 * perCall);
    expect(second.cost.allTime.bySession.map((line) => [line.name, line.answers, line.cost])).toEqual([
      ["1", 2, 2 * perCall],
      ["2", 1, perCall],
    ]);
    expect(second.printed).toMatch(/saved {5}\$1\.1200 by replay/);
    // The summary reads this session's answers only; the workspace's totals are pllm.cost().
    expect(second.summary.cost.session.total).toBeCloseTo(perCall);
    expect(second.summary.cost.session.byModel).toEqual([
      { name: "gpt-4.1-mini", answers: 1, inputTokens: 1_000_000, outputTokens: 100_000, uncounted: 0, cost: perCall },
    ]);
    expect(second.summary.cost).not.toHaveProperty("allTime");
  });

  it("shows tokens without a cost for unknown models, and takes prices from the option or a JSON file", async () => {
    const unknown = await run(tempWorkspace(), "openai:my-finetune", ["a"]);
    expect(unknown.cost.session.total).toBeUndefined();
    expect(unknown.cost.session.byModel[0]).toMatchObject({
      name: "my-finetune",
      inputTokens: 1_000_000,
      cost: undefined,
    });
    expect(unknown.printed).toContain("my-finetune no price known");

    const file = `${tempWorkspace()}-prices.json`;
    writeFileSync(file, JSON.stringify({ "my-finetune": { input: 1, output: 10 } }));
    const priced = await run(tempWorkspace(), "openai:my-finetune", ["a"], { pricesFile: file });
    expect(priced.cost.session.total).toBeCloseTo(1 + 1);
    const overridden = await run(tempWorkspace(), "openai:my-finetune", ["a"], {
      pricesFile: file,
      prices: { "my-finetune": { input: 2, output: 0 } },
    });
    expect(overridden.cost.session.total).toBeCloseTo(2);
  });
});

describe("cost of batches", () => {
  let server: FakeProviderServer;
  beforeAll(async () => {
    server = await startFakeProviderServer();
    server.script({ reply: { text: "ok", usage } });
  });
  afterAll(() => server.close());

  it("bills batch answers at half price and reports the discount as saved", async () => {
    const directory = tempWorkspace();
    const options = { llm: "gpt-4.1-mini", strategy: "batch", clients: server.clientsFor(), summary: false } as const;
    const pipeline = (pllm: Parallellm) => pllm.agent("a", (agent) => agent.ask("Label this.").text());
    await Parallellm.run(directory, options, pipeline);
    const pllm = await Parallellm.open(directory, options);
    await pipeline(pllm);
    const cost = await pllm.cost();
    const summary = await pllm.close();
    const full = costOf("gpt-4.1-mini", { input: usage.inputTokens, output: usage.outputTokens })!;
    expect(cost.session.total).toBeCloseTo(full / 2);
    expect(cost.savedByBatch.session).toBeCloseTo(full / 2);
    // Ingested at this run's open: the summary counts them as this session's.
    expect(summary.cost.session.total).toBeCloseTo(full / 2);
    expect(summary.cost.savedByBatch.session).toBeCloseTo(full / 2);
  });
});
