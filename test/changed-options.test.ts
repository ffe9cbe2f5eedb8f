/**
 * Option objects stay the user's: a JSON Schema, tools or `providerOptions`
 * changed in place between two asks is what the second ask hashes, checks and
 * sends; and a change made after an ask never changes what that ask sends.
 * Through Parallellm -> the official SDKs -> the fake provider server.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { InputError, Parallellm, type ParallellmOptions } from "../src/index.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());

function open(options: ParallellmOptions): Promise<Parallellm> {
  return Parallellm.open(tempWorkspace(), { clients: server.clientsFor(), summary: false, ...options });
}

/** The body of the last request the fake server was sent. */
// biome-ignore lint/suspicious/noExplicitAny: request bodies are read field by field
const lastBody = () => server.requests.at(-1)?.body as Record<string, any>;

it("a JSON Schema changed in place between two asks gives the second ask a new hash and is sent as changed", async () => {
  const schema = { type: "object", properties: { label: { type: "string" } }, required: ["label"] };
  const pllm = await open({ llm: "gpt-4.1-mini", strategy: "sync" });
  await pllm.agent("labels", async (agent) => {
    const first = agent.ask("Label this.", { schema });
    await first.value();
    schema.properties = { ...schema.properties, reason: { type: "string" } } as typeof schema.properties;
    schema.required.push("reason");
    const second = agent.ask("Label this.", { schema });
    expect(await second.value()).toHaveProperty("reason");
    expect(second.hash).not.toBe(first.hash);
    expect(lastBody().text.format.schema.required).toEqual(["label", "reason"]);
  });
  await pllm.close();
});

it("tools changed in place between two asks give the second ask a new hash and are sent as changed", async () => {
  const parameters = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
  const tools = { weather: { description: "The weather in a city", parameters } };
  const pllm = await open({ llm: "claude-sonnet-4-5", strategy: "sync" });
  await pllm.agent("tools", async (agent) => {
    const first = agent.ask("Weather in Oslo?", { tools });
    await first.text();
    tools.weather.description = "Today's weather in a city";
    const second = agent.ask("Weather in Oslo?", { tools });
    await second.text();
    expect(second.hash).not.toBe(first.hash);
    expect(lastBody().tools[0].description).toBe("Today's weather in a city");
    parameters.properties.city = { type: "string", description: "English name" } as typeof parameters.properties.city;
    const third = agent.ask("Weather in Oslo?", { tools });
    await third.text();
    expect(new Set([first.hash, second.hash, third.hash]).size).toBe(3);
    expect(lastBody().tools[0].input_schema.properties.city.description).toBe("English name");
  });
  await pllm.close();
});

it("a schema changed in place into one the provider cannot take is refused at the next ask, nothing sent", async () => {
  const schema: { type: string; properties: Record<string, unknown> } = {
    type: "object",
    properties: { name: { type: "string" } },
  };
  const pllm = await open({ llm: "claude-sonnet-4-5", strategy: "sync" });
  const asked = pllm.agent("refused", async (agent) => {
    await agent.ask("Describe it.", { schema }).value();
    schema.properties["tags"] = { type: "object" };
    const before = server.requests.length;
    expect(() => agent.ask("Describe it again.", { schema })).toThrow(InputError);
    expect(() => agent.ask("Describe it again.", { schema })).toThrow(
      /at "tags" it is an object without declared properties/,
    );
    expect(server.requests.length).toBe(before);
  });
  await asked;
  await pllm.close();
});

it("providerOptions of the run changed in place between two asks give the second ask a new hash", async () => {
  const providerOptions: Record<string, unknown> = { user: "first" };
  const pllm = await open({ llm: "gpt-4.1-mini", strategy: "sync", providerOptions });
  await pllm.agent("users", async (agent) => {
    const first = agent.ask("Hello.");
    await first.text();
    providerOptions["user"] = "second";
    const second = agent.ask("Hello.");
    await second.text();
    expect(second.hash).not.toBe(first.hash);
    expect(lastBody().user).toBe("second");
  });
  await pllm.close();
});

it("a change made after an ask does not change what that ask sends", async () => {
  const schema = { type: "object", properties: { label: { type: "string" } }, required: ["label"] };
  const pllm = await open({ llm: "claude-sonnet-4-5", strategy: "async" });
  await pllm.agent("later", async (agent) => {
    const answer = agent.ask("Label this.", { schema });
    schema.required.pop();
    await answer.text();
  });
  await pllm.close();
  expect(JSON.stringify(lastBody())).toContain('"required":["label"]');
});
