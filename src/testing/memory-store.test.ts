import { describe, expect, it } from "vitest";
import { tournament } from "../../examples/tournament-pipeline.js";
import { tempWorkspace } from "../../test/helpers.js";
import { Parallellm } from "../parallellm.js";
import { createMemoryStore } from "./memory-store.js";
import { MockProvider } from "./mock-provider.js";
import { testStore } from "./test-store.js";

describe("the memory store passes the Store contract", () => {
  testStore(createMemoryStore, { describe, it });
});

it("a pipeline run twice on one memory store in async mode replays the second time", async () => {
  const store = createMemoryStore();
  const teams = ["Chiefs", "Bills", "Eagles", "49ers"];
  const run = async () => {
    const mock = new MockProvider({ name: "openai", script: [{ match: /NFL teams/, reply: teams.join("\n") }] });
    const pllm = await Parallellm.open(tempWorkspace(), {
      store,
      llm: "gpt-4.1-mini",
      strategy: "async",
      providers: { openai: mock },
      summary: false,
    });
    const standings = await tournament(pllm);
    return { standings, summary: await pllm.close(), sent: mock.requestCount };
  };
  const first = await run();
  expect(first.sent).toBe(7);
  expect(first.summary.received).toBe(7);
  const second = await run();
  expect(second.sent).toBe(0);
  expect(second.summary).toMatchObject({ replayed: 7, sent: 0 });
  expect(second.summary.drift).toMatchObject({ judged: true, drifted: false });
  expect(second.standings).toEqual(first.standings);
});
