/**
 * What is sent as JSON arrives as the user gave it, or is refused naming where
 * it is: `JSON.stringify` turns a Map into `{}`, a class instance into its own
 * fields, `NaN` into `null`, and drops functions. Asks go through the official
 * SDKs to the fake provider server, which must receive nothing refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type Document, InputError, type LLM, Parallellm, toolResult } from "../src/index.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;

beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());

class Point {
  readonly x = 1;
  #secret = 2;
  get secret(): number {
    return this.#secret;
  }
}

const cyclic: Record<string, unknown> = { name: "loop" };
cyclic["self"] = cyclic;

const refusals: [string, unknown, RegExp][] = [
  [
    "a Map",
    { items: [1, 2, 3, new Map([["a", 1]])] },
    /\.items\[3\]: a Map cannot be sent as JSON; convert it \(Object\.fromEntries\(map\)\)/,
  ],
  ["a Set", { tags: new Set(["a"]) }, /\.tags: a Set cannot be sent as JSON; pass an array \(\[\.\.\.set\]\)/],
  ["a class instance", { at: new Point() }, /\.at: an instance of Point cannot be sent as JSON as it is/],
  ["a bigint", { id: 12345678901234567890n }, /\.id: a bigint cannot be sent as JSON/],
  ["NaN", { score: Number.NaN }, /\.score: NaN cannot be sent as JSON \(it would become null\)/],
  ["Infinity", { limit: [Number.POSITIVE_INFINITY] }, /\.limit\[0\]: Infinity cannot be sent as JSON/],
  ["a function", { run: () => 1 }, /\.run: a function cannot be sent as JSON/],
  ["a symbol", { kind: Symbol("k") }, /\.kind: a symbol cannot be sent as JSON/],
  ["undefined in an array", { list: [1, undefined] }, /\.list\[1\]: undefined in an array would be sent as null/],
  ["bytes", { raw: new Uint8Array([1, 2]) }, /\.raw: bytes cannot be sent inside JSON; pass them as image/],
  ["a Buffer", { raw: Buffer.from("hi") }, /\.raw: bytes cannot be sent inside JSON/],
  ["an invalid Date", { when: new Date("nonsense") }, /\.when: an invalid Date cannot be sent as JSON/],
  [
    "toJSON",
    { money: { amount: 1, toJSON: () => "1 EUR" } },
    /\.money: an object with toJSON\(\) would be sent as what toJSON\(\) returns/,
  ],
  ["a cycle", cyclic, /\.self: this object contains itself \(a cycle\)/],
];

const llms: [string, LLM][] = [
  ["openai", "gpt-4.1-mini"],
  ["anthropic", "claude-sonnet-4-6"],
  ["google", "gemini-2.5-flash"],
];

async function open(llm: LLM): Promise<Parallellm> {
  return Parallellm.open(tempWorkspace(), { llm, clients: server.clientsFor(), summary: false });
}

describe.each(llms)("%s", (_provider, llm) => {
  it.each(refusals)(
    "refuses a document holding %s, naming its path, and sends nothing",
    async (_name, value, message) => {
      server.resetLog();
      const pllm = await open(llm);
      const asking = pllm.agent("a", (agent) => agent.ask(["Describe this record:", value as Document]).text());
      await expect(asking).rejects.toThrow(InputError);
      await expect(pllm.agent("b", (agent) => agent.ask(["Describe:", value as Document]).text())).rejects.toThrow(
        new RegExp(`^documents\\[1\\]${message.source}`),
      );
      await pllm.close();
      expect(server.requests).toHaveLength(0);
    },
  );

  it("refuses a tool result, a message part and providerOptions holding a Map, and sends nothing", async () => {
    server.resetLog();
    const pllm = await open(llm);
    const map = new Map([["files", 3]]);
    await expect(
      pllm.agent("t", (agent) => agent.ask(["Count.", toolResult("call_1", "count", { counts: map })]).text()),
    ).rejects.toThrow(/^documents\[1\] \(the result of tool "count"\)\.output\.counts: a Map cannot be sent as JSON/);
    await expect(
      pllm.agent("m", (agent) =>
        agent
          .ask([
            "Hi",
            { role: "assistant", content: [{ type: "tool-call", id: "call_1", name: "count", args: { counts: map } }] },
          ])
          .text(),
      ),
    ).rejects.toThrow(/^documents\[1\]\.content\[0\]\.args\.counts: a Map cannot be sent as JSON/);
    await expect(
      pllm.agent("p", (agent) => agent.ask("Hello", { providerOptions: { metadata: map } }).text()),
    ).rejects.toThrow(/^providerOptions\.metadata: a Map cannot be sent as JSON/);
    await pllm.close();
    expect(server.requests).toHaveLength(0);
  });

  it("sends plain data, Dates as ISO text, and leaves out undefined members, exactly as hashed", async () => {
    server.resetLog();
    const pllm = await open(llm);
    const record = { name: "Ada", born: new Date("1815-12-10T00:00:00.000Z"), nickname: undefined, tags: ["math"] };
    const text = await pllm.agent("ok", (agent) => agent.ask(["Describe:", record]).text());
    expect(text).toContain("Answer to");
    await pllm.close();
    expect(JSON.stringify(server.requests[0].body)).toContain(
      JSON.stringify('{"name":"Ada","born":"1815-12-10T00:00:00.000Z","tags":["math"]}').slice(1, -1),
    );
  });
});

it("refuses a JSON Schema object or tool parameters that JSON cannot carry", async () => {
  server.resetLog();
  const pllm = await open("gpt-4.1-mini");
  const schema = { type: "object", properties: { size: { type: "number", maximum: Number.POSITIVE_INFINITY } } };
  await expect(pllm.agent("s", (agent) => agent.ask("Size?", { schema }).text())).rejects.toThrow(
    /^schema\.properties\.size\.maximum: Infinity cannot be sent as JSON/,
  );
  const tools = [{ name: "find", parameters: { type: "object", properties: new Map() } }];
  await expect(pllm.agent("u", (agent) => agent.ask("Find.", { tools, schema: z.object({}) }).text())).rejects.toThrow(
    /^Tool "find" parameters\.properties: a Map cannot be sent as JSON/,
  );
  await pllm.close();
  expect(server.requests).toHaveLength(0);
});
