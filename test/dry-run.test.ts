import { expect, it } from "vitest";
import { z } from "zod";
import { tournament } from "../examples/tournament-pipeline.js";
import { Parallellm } from "../src/index.js";
import { MockProvider } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

it("dry-run sends nothing and prices the calls it would send, by provider and model", async () => {
  const printed: string[] = [];
  const openai = new MockProvider({ name: "openai" });
  const anthropic = new MockProvider({ name: "anthropic" });
  const pllm = await Parallellm.open(tempWorkspace(), {
    strategy: "dry-run",
    providers: { openai, anthropic },
    summary: (text) => printed.push(text),
  });
  await pllm.forEach(
    ["a", "b", "c"],
    (name) => name,
    (name, agent) =>
      agent
        .ask(`Summarise the quarterly report of division ${name} in one sentence.`, {
          llm: "gpt-4.1-mini",
          maxTokens: 100,
        })
        .text(),
  );
  await pllm.agent("judge", (agent) =>
    agent
      .ask("Which division did best?", { llm: "claude-sonnet-4-5", schema: z.object({ division: z.string() }) })
      .value(),
  );
  const summary = await pllm.close();
  expect(openai.requestCount + anthropic.requestCount).toBe(0);
  const rows = Object.fromEntries((summary.dryRun ?? []).map((row) => [`${row.provider}/${row.model}`, row]));
  expect(rows["openai/gpt-4.1-mini"]).toMatchObject({ calls: 3, method: "o200k_base", maxOutputTokens: 300 });
  // "Summarise the quarterly report of division a in one sentence." is 13 o200k tokens, plus 7 of framing.
  expect(rows["openai/gpt-4.1-mini"].inputTokens).toBe(3 * (13 + 7));
  expect(rows["openai/gpt-4.1-mini"].batchInputCost).toBeCloseTo(rows["openai/gpt-4.1-mini"].directInputCost! / 2);
  expect(rows["anthropic/claude-sonnet-4-5"]).toMatchObject({ calls: 1, method: "estimate" });
  expect(printed.join("\n")).toMatch(/dry run\s+nothing was sent/);
  expect(printed.join("\n")).toMatch(
    /openai\/gpt-4\.1-mini: 3 calls, 60 input tokens \(counted with o200k_base\); input \$0\.0000 direct/,
  );
});

it("dry-run stops where an answer is needed, as batch mode does", async () => {
  const pllm = await Parallellm.open(tempWorkspace(), {
    llm: "gpt-4.1-mini",
    strategy: "dry-run",
    providers: { openai: new MockProvider({ name: "openai" }) },
    summary: false,
  });
  expect(await tournament(pllm)).toBeUndefined();
  const summary = await pllm.close();
  expect(summary.dryRun?.map((row) => row.calls)).toEqual([1]);
});
