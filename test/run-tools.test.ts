/**
 * The tool loop on every provider and strategy: Parallellm -> the official
 * SDKs -> the fake provider server, with a real SQLite store and real handlers
 * reading the file system.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { InputError, type LLM, Parallellm, type ParallellmOptions } from "../src/index.js";
import type { StrategyName } from "../src/strategies/strategy.js";
import { type FakeProviderServer, type ReplyContext, startFakeProviderServer } from "../src/testing/index.js";
import { openaiChat, tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;
let root: string;

const tools = {
  count_files: { description: "Count the files in a directory.", parameters: z.object({ directory: z.string() }) },
};

/** Three steps: one call, then two in parallel (one of them fails), then the final answer. */
function script(marker: string): void {
  const has = (context: ReplyContext, text: string) => JSON.stringify(context.body).includes(text);
  server.script({
    match: (context) => has(context, marker) && !context.afterToolResult,
    reply: { toolCalls: [{ name: "count_files", args: { directory: "src" } }] },
  });
  server.script({
    match: (context) => has(context, marker) && context.afterToolResult && !has(context, "counted-test"),
    reply: {
      toolCalls: [
        { name: "count_files", args: { directory: "test" } },
        { name: "count_files", args: { directory: "missing" } },
      ],
    },
  });
  server.script({ match: (context) => has(context, marker) && context.afterToolResult, reply: "final answer" });
}

const pipeline = (marker: string, maxSteps: number, llm: LLM) => (pllm: Parallellm) =>
  pllm.agent("counter", async (agent) => {
    const run = await agent.runTools(`How many files are there? ${marker}`, {
      llm,
      tools,
      maxSteps,
      handlers: {
        count_files: async ({ directory }) => {
          const files = await readdir(join(root, directory));
          return { directory, files: files.length, note: `counted-${directory}` };
        },
      },
    });
    return {
      text: await run.response.text(),
      done: run.done,
      steps: run.steps.map((step) => ({
        calls: step.toolCalls.map((call) => (call.args as { directory: string }).directory),
        results: step.toolResults.map((result) => (result.isError ? "error" : result.output)),
      })),
    };
  });

const expectedSteps = [
  { calls: ["src"], results: [{ directory: "src", files: 2, note: "counted-src" }] },
  { calls: ["test", "missing"], results: [{ directory: "test", files: 1, note: "counted-test" }, "error"] },
  { calls: [], results: [] },
];

beforeAll(async () => {
  server = await startFakeProviderServer();
  // Not a tempWorkspace: those are removed after each test.
  root = mkdtempSync(join(tmpdir(), "pllm-files-"));
  mkdirSync(join(root, "src"));
  mkdirSync(join(root, "test"));
  writeFileSync(join(root, "src", "a.ts"), "");
  writeFileSync(join(root, "src", "b.ts"), "");
  writeFileSync(join(root, "test", "a.test.ts"), "");
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

const providers: { name: string; llm: LLM }[] = [
  { name: "openai responses", llm: "gpt-4.1-mini" },
  { name: "openai chat", llm: "openai-chat:gpt-4.1-mini" },
  { name: "anthropic", llm: "claude-sonnet-4-6" },
  { name: "google", llm: "gemini-2.5-flash" },
];

describe("runTools", () => {
  for (const { name, llm } of providers) {
    for (const strategy of ["sync", "async"] as const satisfies readonly StrategyName[]) {
      it(`${name}, ${strategy}: runs the handlers until the final answer, then replays for free`, async () => {
        const marker = `[${name} ${strategy}]`;
        script(marker);
        const directory = tempWorkspace();
        const options: ParallellmOptions = {
          strategy,
          clients: server.clientsFor(),
          providers: openaiChat(server),
          summary: false,
        };
        const before = server.requests.length;
        const first = await Parallellm.run(directory, options, pipeline(marker, 5, llm));
        expect(first.result).toEqual({ text: "final answer", done: true, steps: expectedSteps });
        expect(server.requests.length - before).toBe(3);

        const again = await Parallellm.run(directory, options, pipeline(marker, 5, llm));
        expect(again.result).toEqual(first.result);
        expect(again.summary).toMatchObject({ sent: 0, replayed: 3 });
        expect(server.requests.length - before).toBe(3);
      });
    }

    it(`${name}, batch: advances one step per round and converges in maxSteps + 1 runs`, async () => {
      const marker = `[${name} batch]`;
      script(marker);
      const directory = tempWorkspace();
      const options: ParallellmOptions = {
        strategy: "batch",
        clients: server.clientsFor(),
        providers: openaiChat(server),
        summary: false,
      };
      const maxSteps = 3;
      let runs = 0;
      let result: Awaited<ReturnType<ReturnType<typeof pipeline>>>;
      do {
        const run = await Parallellm.run(directory, options, pipeline(marker, maxSteps, llm));
        runs++;
        result = run.result;
        if (!result) expect(run.summary).toMatchObject({ collected: 1, halted: 1, sent: 0 });
      } while (!result && runs < 10);
      expect(runs).toBe(maxSteps + 1);
      expect(result).toEqual({ text: "final answer", done: true, steps: expectedSteps });

      const again = await Parallellm.run(directory, options, pipeline(marker, maxSteps, llm));
      expect(again.summary).toMatchObject({ collected: 0, sent: 0, replayed: 3 });
    });
  }

  it("stops after maxSteps asks and returns the answer that still calls tools", async () => {
    script("[max steps]");
    const { result } = await Parallellm.run(
      tempWorkspace(),
      { strategy: "sync", clients: server.clientsFor(), summary: false },
      pipeline("[max steps]", 2, "gpt-4.1-mini"),
    );
    expect(result).toEqual({
      text: "",
      done: false,
      steps: [expectedSteps[0], { calls: ["test", "missing"], results: [] }],
    });
  });

  it("sends an error result for a throwing handler and for invalid arguments", async () => {
    server.script({
      match: (context) => JSON.stringify(context.body).includes("[bad args]") && !context.afterToolResult,
      reply: {
        toolCalls: [
          { name: "count_files", args: { directory: 7 } },
          { name: "count_files", args: { directory: "boom" } },
        ],
      },
    });
    const pllm = await Parallellm.open(tempWorkspace(), {
      llm: "gpt-4.1-mini",
      strategy: "sync",
      clients: server.clientsFor(),
      summary: false,
    });
    const run = await pllm.agent("a", (agent) =>
      agent.runTools("Count [bad args]", {
        tools,
        handlers: {
          count_files: () => {
            throw new Error("disk on fire");
          },
        },
      }),
    );
    await pllm.close();
    expect(run!.done).toBe(true);
    expect(run!.steps[0].toolResults).toMatchObject([
      { isError: true, output: expect.stringMatching(/^Invalid arguments for count_files: directory: /) },
      { isError: true, output: "disk on fire" },
    ]);
    const output = (server.requests.at(-1)!.body as { input: { type?: string; output?: string }[] }).input
      .filter((item) => item.type === "function_call_output")
      .map((item) => item.output);
    expect(output).toEqual([expect.stringMatching(/^Invalid arguments/), "disk on fire"]);
  });

  it("refuses tools without handlers and handlers without tools", async () => {
    const pllm = await Parallellm.open(tempWorkspace(), {
      llm: "gpt-4.1-mini",
      clients: server.clientsFor(),
      summary: false,
    });
    await pllm.agent("a", async (agent) => {
      // @ts-expect-error the handler for count_files is missing
      await expect(agent.runTools("Hi", { tools, handlers: {} })).rejects.toThrow(/count_files: \(args\)/);
      await expect(
        // @ts-expect-error extra has no tool
        agent.runTools("Hi", { tools, handlers: { count_files: () => 1, extra: () => 2 } }),
      ).rejects.toThrow(InputError);
      await expect(agent.runTools("Hi", { tools, handlers: { count_files: () => 1 }, maxSteps: 0 })).rejects.toThrow(
        /maxSteps/,
      );
    });
    await pllm.close();
    expect(server.requests.filter((request) => JSON.stringify(request.body ?? "").includes('"Hi"'))).toHaveLength(0);
  });
});
