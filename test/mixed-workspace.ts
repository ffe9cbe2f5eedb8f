/**
 * A workspace made by real pipeline runs in every strategy, for the tests of
 * the `pllm` commands that read, export and manage it: the official SDKs
 * against the fake provider server, a real SQLite store.
 *
 * Sessions, in order:
 * 1. `sync` (openai gpt-4.1-mini): agent `extract` asks "Say hello." twice, a long
 *    document, an image with a structured answer, and a tool call.
 * 2. `async` (anthropic claude-sonnet-4-6): agents `judge-1`…`judge-3`; `judge-2`'s
 *    ask is refused by the provider (400, "No jokes today.") and recorded as a failure.
 * 3. `async`: agent `planner`, conversation `trip` forked into `cheap` and `rich`.
 * 4. `hybrid` (gemini-2.5-flash): agent `summarise` asks once, sent directly.
 * 5. `dry-run`: agent `classify-a` is priced, nothing is sent.
 * 6. `batch` (openai gpt-4.1-mini): agents `classify-a` and `classify-b`, left
 *    pending in one provider batch.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { image, Parallellm, type ParallellmOptions } from "../src/index.js";
import type { FakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

/** A 1×1 PNG. */
export const pixel = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

export const longDocument = `A report. ${"The harbour was busy all week. ".repeat(100)}Signed: Ingrid.`;

/** Session 2's pipeline: three judges, of which `judge-2` is refused. */
export function judgeJokes(pllm: Parallellm) {
  return pllm.forEach(
    [1, 2, 3],
    (n) => `judge-${n}`,
    (n, agent) => agent.ask(`Judge joke ${n}.`).text(),
  );
}

/** Makes the workspace (see the module comment) in a fresh directory and returns the directory. */
export async function makeMixedWorkspace(server: FakeProviderServer): Promise<string> {
  server.script({ match: "Weather in Oslo?", reply: { toolCalls: [{ name: "get_weather", args: { city: "Oslo" } }] } });
  server.script({ match: "Who is in the picture?", reply: '{"name":"Ingrid","confidence":0.9}' });
  server.failNext({ status: 400, message: "No jokes today.", match: "Judge joke 2.", provider: "anthropic" });
  const directory = tempWorkspace();
  const base = { clients: server.clientsFor(), summary: false, onError: "record" } satisfies ParallellmOptions;

  await Parallellm.run(directory, { ...base, llm: "gpt-4.1-mini", strategy: "sync" }, async (pllm) => {
    await pllm.agent("extract", async (agent) => {
      await agent.ask("Say hello.").text();
      await agent.ask("Say hello.").text();
      await agent.ask([`Summarise: ${longDocument}`], { instructions: "Be brief." }).text();
      const person = z.object({ name: z.string(), confidence: z.number() });
      await agent.ask(["Who is in the picture?", image(pixel, "image/png")], { schema: person }).result();
      const tools = {
        get_weather: { description: "The weather in a city.", parameters: z.object({ city: z.string() }) },
      };
      await agent.ask("Weather in Oslo?", { tools }).result();
    });
  });

  await Parallellm.run(directory, { ...base, llm: "claude-sonnet-4-6", strategy: "async" }, judgeJokes);

  await Parallellm.run(directory, { ...base, llm: "claude-sonnet-4-6", strategy: "async" }, (pllm) =>
    pllm.agent("planner", async (agent) => {
      const trip = agent.conversation("trip");
      await trip.ask("Plan a day in Oslo.").text();
      const [cheap, rich] = [trip.fork("cheap"), trip.fork("rich")];
      await Promise.all([cheap.ask("Make it cheap.").text(), rich.ask("Make it luxurious.").text()]);
    }),
  );

  await Parallellm.run(directory, { ...base, llm: "gemini-2.5-flash", strategy: "hybrid" }, (pllm) =>
    pllm.agent("summarise", (agent) => agent.ask("Summarise the week in one line.").text()),
  );

  const classify = (pllm: Parallellm) =>
    pllm.forEach(
      ["a", "b"],
      (name) => `classify-${name}`,
      (name, agent) => agent.ask(`Classify item ${name}.`).text(),
    );
  await Parallellm.run(directory, { ...base, llm: "gpt-4.1-mini", strategy: "dry-run" }, classify);
  await Parallellm.run(directory, { ...base, llm: "gpt-4.1-mini", strategy: "batch" }, classify);
  return directory;
}

/** Every file of a directory with a digest of its bytes, to prove a command changed nothing. */
export function fileDigests(directory: string): Map<string, string> {
  return new Map(
    readdirSync(directory, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const path = join(entry.parentPath, entry.name);
        return [path.slice(directory.length + 1), createHash("sha256").update(readFileSync(path)).digest("hex")];
      }),
  );
}
