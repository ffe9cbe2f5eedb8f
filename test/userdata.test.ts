/**
 * Userdata across runs: JSON values, Dates, binary, Maps, Sets and response
 * handles, hydrated on load as ready or, while their batch runs, pending.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { NotAvailable, Parallellm, type ParallellmOptions, type ResponseHandle } from "../src/index.js";
import { type FakeProviderServer, MockProvider, startFakeProviderServer } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

let server: FakeProviderServer;

beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());

it("round-trips JSON, Dates, binary, Maps, Sets, bigints and ready response handles", async () => {
  const directory = tempWorkspace();
  const options = { llm: "mock-1", providers: { mock: new MockProvider() }, summary: false } as const;
  const value = {
    text: "ünïcode ✓",
    numbers: [0, -1.5, 1e21],
    nothing: null,
    flag: true,
    nested: { at: new Date("2025-01-02T03:04:05.678Z"), list: [new Date(0)] },
    bytes: new Uint8Array([0, 1, 254, 255]),
    buffer: Buffer.from("raw"),
    map: new Map<string, unknown>([
      ["a", 1],
      ["b", { deep: [new Date(1)] }],
    ]),
    set: new Set(["x", "y"]),
    big: 2n ** 70n,
  };
  let pllm = await Parallellm.open(directory, options);
  const text = await pllm.agent("a", async (agent) => {
    const answer = agent.ask("Say something.");
    await pllm.save("answer", { answer, when: value.nested.at });
    return answer.text();
  });
  await pllm.save("value", value);
  await pllm.save("top-level date", new Date(5));
  await pllm.close();

  pllm = await Parallellm.open(directory, options);
  const loaded = await pllm.load<typeof value>("value");
  expect(loaded).toEqual(value);
  expect(Buffer.isBuffer(loaded?.buffer)).toBe(true);
  expect(await pllm.load("top-level date")).toEqual(new Date(5));
  expect(await pllm.load("never saved")).toBeUndefined();
  const saved = await pllm.load<{ answer: ResponseHandle; when: Date }>("answer");
  expect(saved!.when).toEqual(value.nested.at);
  expect(saved!.answer.status()).toBe("ready");
  expect(saved!.answer.replayed).toBe(true);
  expect(await saved!.answer.text()).toBe(text);
  await pllm.close();
});

it("round-trips the values JSON would change: NaN, ±Infinity, -0, undefined in arrays, our own tag as a key", async () => {
  const directory = tempWorkspace();
  const options = { llm: "mock-1", providers: { mock: new MockProvider() }, summary: false } as const;
  const value = {
    numbers: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0],
    holes: [1, undefined, 3],
    lookalike: { $pllm: "date", value: "2025-01-01T00:00:00.000Z" },
    nested: new Map([["k", { $pllm: "set", value: [1] }]]),
  };
  let pllm = await Parallellm.open(directory, options);
  await pllm.save("value", value);
  await pllm.save("nothing", undefined);
  await pllm.close();
  pllm = await Parallellm.open(directory, options);
  const loaded = await pllm.load<typeof value>("value");
  expect(loaded).toEqual(value);
  expect(Object.is(loaded?.numbers[3], -0)).toBe(true);
  expect(loaded?.holes).toHaveLength(3);
  expect(await pllm.load("nothing")).toBeUndefined();
  await pllm.close();
});

it("refuses what would load as something else, and saves nothing then", async () => {
  const pllm = await Parallellm.open(tempWorkspace(), { summary: false });
  class Point {
    readonly x = 1;
  }
  const refusals: [unknown, RegExp][] = [
    [{ match: /ab+c/ }, /save\("k"\) cannot keep the value at "match" as it is: an instance of RegExp/],
    [[new Error("boom")], /at "0" as it is: an instance of Error/],
    [{ at: new Point() }, /at "at" as it is: an instance of Point/],
    [{ samples: new Float32Array([0.5]) }, /got a Float32Array at "samples", which would load as something else/],
    [{ link: new URL("https://example.com") }, /at "link" as it is: an object with toJSON\(\)/],
  ];
  for (const [value, message] of refusals) {
    await expect(pllm.save("k", value)).rejects.toThrow(message);
    expect(await pllm.load("k")).toBeUndefined();
  }
  await pllm.close();
});

it("a saved handle whose call waits in a batch loads as pending, then ready", async () => {
  server.setBatchBehavior({ completeAfterPolls: 1 });
  const directory = tempWorkspace();
  const options: ParallellmOptions = {
    llm: "gpt-4.1-mini",
    strategy: "batch",
    clients: server.clientsFor(),
    summary: false,
  };
  const first = await Parallellm.run(directory, options, (pllm) =>
    pllm.agent("a", async (agent) => {
      const answer = agent.ask("Answer me in a batch.");
      await pllm.save("handle", { answer });
      return answer.text();
    }),
  );
  expect(first.result).toBeUndefined();
  expect(first.summary.batches.submitted).toHaveLength(1);

  const load = (pllm: Parallellm) => pllm.load<{ answer: ResponseHandle }>("handle").then((saved) => saved!.answer);
  const pending = await Parallellm.run(directory, options, async (pllm) => {
    const answer = await load(pllm);
    return { status: answer.status(), error: await answer.text().catch((error: unknown) => error) };
  });
  expect(pending.result.status).toBe("pending");
  expect(pending.result.error).toBeInstanceOf(NotAvailable);
  expect(pending.summary.batches.pending).toBe(1);

  const ready = await Parallellm.run(directory, options, async (pllm) => {
    const answer = await load(pllm);
    return { status: answer.status(), text: await answer.text() };
  });
  expect(ready.result).toEqual({ status: "ready", text: expect.stringMatching(/Answer me in a batch/) });
  server.setBatchBehavior({});
});
