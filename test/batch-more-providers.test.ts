/**
 * The tournament in batch mode through the Batch APIs added next to the
 * built-in three: those that copy OpenAI's (Groq, Azure OpenAI) and Mistral's
 * batch jobs. The provider factories, against the fake server speaking each
 * provider's dialect, with a real SQLite store.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tournament } from "../examples/tournament-pipeline.js";
import { type LLM, Parallellm, type ParallellmOptions } from "../src/index.js";
import { createMistralProvider } from "../src/providers/mistral/index.js";
import { createAzureOpenAIProvider, createGroqProvider } from "../src/providers/openai/index.js";
import type { Provider } from "../src/providers/provider.js";
import { type FakeProviderServer, type OpenAIDialectName, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

const teams = ["Chiefs", "Bills", "Eagles", "49ers", "Ravens", "Lions", "Packers", "Cowboys"];

const subjects: {
  readonly dialect: OpenAIDialectName;
  readonly llm: LLM;
  readonly provider: (server: FakeProviderServer) => Record<string, Provider>;
}[] = [
  {
    dialect: "groq",
    llm: "groq:llama-3.1-8b-instant",
    provider: (server) => ({ groq: createGroqProvider({ apiKey: "gsk_fake", baseURL: `${server.url}/openai/v1` }) }),
  },
  {
    dialect: "azure",
    llm: "azure:gpt-4o-mini-batch",
    provider: (server) => ({ azure: createAzureOpenAIProvider({ apiKey: "azure-fake", endpoint: server.url }) }),
  },
  {
    dialect: "mistral",
    llm: "mistral:mistral-small-latest",
    provider: (server) => ({ mistral: createMistralProvider({ apiKey: "mistral-fake", baseURL: `${server.url}/v1` }) }),
  },
];

for (const { dialect, llm, provider } of subjects) {
  describe(`tournament in batch mode through ${dialect}'s Batch API`, () => {
    let server: FakeProviderServer;
    beforeAll(async () => {
      server = await startFakeProviderServer({ openaiDialect: dialect });
      server.script({ match: /NFL teams/, reply: teams.join("\n") });
    });
    afterAll(() => server.close());

    async function runOnce(directory: string, options: ParallellmOptions) {
      const pllm = await Parallellm.open(directory, { providers: provider(server), llm, summary: false, ...options });
      const standings = await tournament(pllm);
      return { standings, summary: await pllm.close() };
    }

    it("converges in 3 runs to exactly the sync result, with no price guessed", async () => {
      const expected = (await runOnce(tempWorkspace("sync"), { strategy: "sync" })).standings;
      expect(expected).toBeDefined();
      const directory = tempWorkspace("batch");

      const first = await runOnce(directory, { strategy: "batch" });
      expect(first.standings).toBeUndefined();
      expect(first.summary).toMatchObject({ collected: 1, sent: 0, halted: 1 });
      expect(first.summary.batches.submitted).toHaveLength(1);

      const second = await runOnce(directory, { strategy: "batch" });
      expect(second.summary.batches).toMatchObject({ ingested: 1, ingestedAnswers: 1 });
      expect(second.summary).toMatchObject({ replayed: 1, collected: 28, sent: 0 });

      const third = await runOnce(directory, { strategy: "batch" });
      expect(third.standings).toEqual(expected);
      expect(third.summary).toMatchObject({ replayed: 29, collected: 0, sent: 0 });
      expect(server.batchesOf("openai")).toHaveLength(2);
      expect(server.requests.filter((request) => request.status !== 200)).toEqual([]);
      // Neither model is in the price table: its cost is unknown, not a guess.
      expect(third.summary.cost.session.byModel).toEqual([expect.objectContaining({ answers: 28 })]);
      expect(third.summary.cost.session.byModel[0]?.cost).toBeUndefined();
      expect(third.summary.cost.session.total).toBeUndefined();
    });
  });
}
