/**
 * async-throughput through each official SDK against the fake provider server
 * (2,000 asks, 50 ms latency, concurrency 100). Ratios: to the ideal
 * (2,000 / 100 x 50 ms), and to what a user would otherwise write: the Vercel
 * AI SDK's generateText under p-limit, same concurrency, same server. The server
 * runs in its own process (`pllm fake-server`), as a real provider would.
 */
import { join } from "node:path";
import { createOpenAI } from "@ai-sdk/openai";
import { generateText } from "ai";
import pLimit from "p-limit";
import { type LLM, Parallellm } from "parallellm";
import { fakeProviderClients } from "parallellm/testing";
import { type Figure, startFakeServerProcess, time, withTempDirectory } from "./bench-util.js";

const asks = 2000;
const concurrency = 100;
const latencyMs = 50;
const ideal = (asks / concurrency) * latencyMs;
const prompts = Array.from({ length: asks }, (_, index) => `Summarise item ${index} in one line.`);
/** Each contender first runs these (JIT, connection pool), as a long pipeline would be warm. */
const warmUp = Array.from({ length: 400 }, (_, index) => `Warm up ${index}.`);

const targets: { readonly name: string; readonly llm: LLM }[] = [
  { name: "openai (responses)", llm: "gpt-4.1-mini" },
  { name: "anthropic", llm: "claude-sonnet-4-6" },
  { name: "google", llm: "gemini-2.5-flash" },
];

export async function sdkThroughputBenchmark(): Promise<Figure[]> {
  const server = await startFakeServerProcess(latencyMs);
  const clients = fakeProviderClients(server.url);
  try {
    return await withTempDirectory(async (directory) => {
      const figures: Figure[] = [];
      const openai = createOpenAI({ baseURL: `${server.url}/v1`, apiKey: "sk-fake" });
      const limit = pLimit(concurrency);
      const aiSdk = (list: readonly string[]) =>
        Promise.all(
          list.map((prompt) => limit(() => generateText({ model: openai("gpt-4.1-mini"), prompt, maxRetries: 0 }))),
        );
      await aiSdk(warmUp);
      const baseline = await time(() => aiSdk(prompts));
      // The floor on this machine: the official SDK alone, no library around it.
      const raw = (list: readonly string[]) =>
        Promise.all(
          list.map((prompt) => limit(() => clients.openai.responses.create({ model: "gpt-4.1-mini", input: prompt }))),
        );
      await raw(warmUp);
      const rawSdk = await time(() => raw(prompts));
      figures.push(
        {
          benchmark: "sdk-throughput",
          metric: "baseline: AI SDK generateText + p-limit (openai)",
          value: baseline.ms,
          unit: "ms",
        },
        { benchmark: "sdk-throughput", metric: "floor: the openai SDK alone + p-limit", value: rawSdk.ms, unit: "ms" },
        { benchmark: "sdk-throughput", metric: "floor ratio to ideal", value: rawSdk.ms / ideal, unit: "x" },
      );
      for (const target of targets) {
        const pipeline = async (workspace: string, list: readonly string[]) => {
          const pllm = await Parallellm.open(join(directory, workspace), {
            llm: target.llm,
            maxConcurrency: concurrency,
            clients,
            summary: false,
          });
          await pllm.forEach(
            list,
            (_, index) => `item-${index}`,
            (prompt, agent) => agent.ask(prompt).text(),
            {
              concurrency: asks,
            },
          );
          return pllm.close();
        };
        await pipeline(`${target.name}-warm-up`, warmUp);
        const run = await time(() => pipeline(target.name, prompts));
        if (run.result.received !== asks) throw new Error(`${target.name}: ${run.result.received} answers`);
        figures.push(
          { benchmark: "sdk-throughput", metric: `${target.name} wall time`, value: run.ms, unit: "ms" },
          {
            benchmark: "sdk-throughput",
            metric: `${target.name} ratio to ideal`,
            value: run.ms / ideal,
            unit: "x",
            target: "<= 1.2",
          },
        );
        if (target.name.startsWith("openai")) {
          figures.push({
            benchmark: "sdk-throughput",
            metric: "openai ratio to the AI SDK baseline",
            value: run.ms / baseline.ms,
            unit: "x",
            target: "<= 1.05",
          });
        }
      }
      return figures;
    });
  } finally {
    server.stop();
  }
}
