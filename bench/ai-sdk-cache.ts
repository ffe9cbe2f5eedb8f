/**
 * ai-sdk-cache: 10,000 `generateText` calls replayed through the parallellm
 * cache middleware (from the workspace a first run stored), against a plain
 * in-memory Map cache middleware holding the same answers, in the same run.
 */
import type { LanguageModelV3Middleware } from "@ai-sdk/provider";
import { generateText, wrapLanguageModel } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { parallellmCache } from "parallellm/ai-sdk";
import { type Figure, time, withTempDirectory } from "./bench-util.js";

const calls = Number(process.env.AI_SDK_CACHE_CALLS ?? 10_000);

const promptOf = (index: number) => `Classify document ${index} into one of: invoice, receipt, letter. Label only.`;

function mockModel(): MockLanguageModelV3 {
  return new MockLanguageModelV3({
    provider: "mock.chat",
    modelId: "mock-1",
    doGenerate: async () => ({
      content: [{ type: "text", text: "invoice" }],
      finishReason: { unified: "stop", raw: "stop" },
      usage: {
        inputTokens: { total: 20, noCache: 20, cacheRead: undefined, cacheWrite: undefined },
        outputTokens: { total: 1, text: 1, reasoning: undefined },
      },
      warnings: [],
    }),
  });
}

/** The floor: a cache middleware keyed by the call options' JSON, in a Map. */
function mapCache(): LanguageModelV3Middleware {
  const answers = new Map<string, Awaited<ReturnType<MockLanguageModelV3["doGenerate"]>>>();
  return {
    specificationVersion: "v3",
    wrapGenerate: async ({ doGenerate, params }) => {
      const { abortSignal: _signal, headers: _headers, ...shaping } = params;
      const key = JSON.stringify(shaping);
      const known = answers.get(key);
      if (known) return known;
      const answer = await doGenerate();
      answers.set(key, answer);
      return answer;
    },
  };
}

/** `calls` generateText calls, one after another; resolves to the characters answered. */
async function generateAll(middleware: LanguageModelV3Middleware, model = mockModel()): Promise<number> {
  const wrapped = wrapLanguageModel({ model, middleware });
  let characters = 0;
  for (let index = 0; index < calls; index++) {
    characters += (await generateText({ model: wrapped, prompt: promptOf(index) })).text.length;
  }
  return characters;
}

export async function aiSdkCacheBenchmark(): Promise<Figure[]> {
  return withTempDirectory(async (directory) => {
    const filling = parallellmCache({ directory, logLevel: "silent" });
    await generateAll(filling);
    await filling.close();

    const replaying = parallellmCache({ directory, logLevel: "silent" });
    const model = mockModel();
    const replay = await time(() => generateAll(replaying, model));
    await replaying.close();
    if (model.doGenerateCalls.length !== 0) throw new Error(`replay sent ${model.doGenerateCalls.length} calls`);

    const map = mapCache();
    await generateAll(map);
    const floor = await time(() => generateAll(map));

    return [
      { benchmark: "ai-sdk-cache", metric: `replay of ${calls} generateText calls`, value: replay.ms, unit: "ms" },
      { benchmark: "ai-sdk-cache", metric: "in-memory Map cache, same calls", value: floor.ms, unit: "ms" },
      { benchmark: "ai-sdk-cache", metric: "ratio to the Map cache", value: replay.ms / floor.ms, unit: "x" },
      { benchmark: "ai-sdk-cache", metric: "replay per call", value: (replay.ms * 1000) / calls, unit: "µs" },
    ];
  });
}
