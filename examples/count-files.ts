/**
 * A tool loop: the model calls `count_files(directory)`, implemented here with
 * node:fs, until it can answer. Each step is an ordinary ask, so a second run
 * replays the whole loop (the handlers run again; their results match).
 *
 *   npx tsx examples/count-files.ts --llm gpt-4.1-mini | claude-sonnet-4-5 | gemini-2.5-flash
 */
import { readdirSync } from "node:fs";
import { z } from "zod";
import { Parallellm } from "../src/index.js";
import type { ReplyContext } from "../src/testing/index.js";
import { argument, offlineClients, providerOf } from "./offline-clients.js";

const llm = argument("llm") ?? "gpt-4.1-mini";
const { clients, close } = await offlineClients(
  [providerOf(llm)],
  [
    {
      match: (context) => !context.afterToolResult,
      reply: {
        toolCalls: [
          { name: "count_files", args: { directory: "src" } },
          { name: "count_files", args: { directory: "test" } },
        ],
      },
    },
    { match: (context) => context.afterToolResult, reply: summariseToolResults },
  ],
);
const pllm = await Parallellm.open(process.env.PLLM_WORKSPACE ?? ".pllm/count-files", { llm, clients });

await pllm.agent("count-files", async (agent) => {
  const run = await agent.runTools("How many files are in the src and test directories, in total?", {
    tools: {
      count_files: {
        description: "Count the files in a directory of this project, subdirectories included.",
        parameters: z.object({ directory: z.string().describe("A path relative to the project root") }),
      },
    },
    handlers: {
      count_files: ({ directory }) => {
        const entries = readdirSync(directory, { recursive: true, withFileTypes: true });
        return { directory, files: entries.filter((entry) => entry.isFile()).length };
      },
    },
    maxSteps: 5,
  });
  for (const [index, step] of run.steps.entries()) {
    for (const [call, result] of step.toolCalls.map((call, at) => [call, step.toolResults[at]] as const)) {
      console.log(`step ${index + 1}: ${call.name}(${JSON.stringify(call.args)}) -> ${JSON.stringify(result?.output)}`);
    }
  }
  console.log(`\n${await run.response.text()}`);
});
await pllm.close();
await close();

/** Offline only: what the fake model answers once it has the tool results. */
function summariseToolResults(context: ReplyContext): string {
  const body = JSON.stringify(context.body);
  const counts = [...body.matchAll(/directory\\*"\s*:\s*\\*"([^"\\]+)\\*"\s*,\s*\\*"files\\*"\s*:\s*(\d+)/g)];
  const total = counts.reduce((sum, match) => sum + Number(match[2]), 0);
  return `${counts.map((match) => `${match[1]} has ${match[2]} files`).join(", ")}: ${total} in total.`;
}
