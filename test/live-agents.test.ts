/** Two agents with one name at once would share one call sequence: refused. One after another is fine. */
import { afterAll, beforeAll, expect, it } from "vitest";
import { InputError, Parallellm } from "../src/index.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;

beforeAll(async () => {
  server = await startFakeProviderServer({ latencyMs: 20 });
});
afterAll(() => server.close());

const open = (directory: string) =>
  Parallellm.open(directory, { llm: "gpt-4.1-mini", clients: server.clientsFor(), summary: false });

it("refuses a second agent with the name of one still running, and sends nothing for it", async () => {
  const directory = tempWorkspace();
  const pllm = await open(directory);
  server.resetLog();
  const first = pllm.agent("judge", (agent) => agent.ask("Sample a verdict.").text());
  const second = pllm.agent("judge", (agent) => agent.ask("Sample a verdict.").text());
  await expect(second).rejects.toThrow(InputError);
  await expect(second).rejects.toThrow(/Agent "judge" is already running in this run/);
  expect(typeof (await first)).toBe("string");
  expect(server.requests).toHaveLength(1);
  await pllm.close();
});

it("refuses the same name nested inside itself and across forEach and agent", async () => {
  const pllm = await open(tempWorkspace());
  await expect(pllm.agent("outer", () => pllm.agent("outer", () => 1))).rejects.toThrow(/already running/);
  const running = pllm.agent("item-1", (agent) => agent.ask("One.").text());
  await expect(
    pllm.forEach(
      [1, 2],
      (n) => `item-${n}`,
      (n, agent) => agent.ask(`${n}`).text(),
    ),
  ).rejects.toThrow(/Agent "item-1" is already running/);
  await running;
  await pllm.close();
});

it("one name used one scope after another continues its sequence and replays each answer to its own ask", async () => {
  const directory = tempWorkspace();
  const run = async () => {
    const pllm = await open(directory);
    const first = await pllm.agent("sampler", (agent) => agent.ask("Pick a number.").text());
    const second = await pllm.agent("sampler", (agent) => agent.ask("Pick a number.").text());
    await pllm.close();
    return [first, second];
  };
  server.resetLog();
  const answers = await run();
  expect(server.requests).toHaveLength(2);
  expect(await run()).toEqual(answers);
  expect(server.requests).toHaveLength(2);
});
