/**
 * Each provider takes only a subset of JSON Schema, and the fake server
 * refuses the rest as the real APIs do. A schema that uses every common zod
 * feature goes through Parallellm -> the official SDK -> the fake server on
 * every provider, directly (sync, async) and in provider batches, and comes
 * back valid; constraints a provider was not told are still enforced by
 * parallellm; schemas a provider cannot take at all are refused at ask.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { pairs, tournament } from "../examples/tournament-pipeline.js";
import { InputError, InvalidOutputError, type LLM, Parallellm, type ParallellmOptions } from "../src/index.js";
import { type FakeProviderServer, startFakeProviderServer } from "../src/testing/index.js";
import { openaiChat, tempWorkspace } from "./helpers.js";

const Shape = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("circle"), radius: z.number().positive() }),
  z.object({ kind: z.literal("square"), side: z.number().min(1).max(10) }),
]);

/** Every common zod feature but records, which Anthropic cannot take (see below). */
const Everything = z.object({
  id: z.number().int(),
  score: z.number().min(0).max(1),
  rating: z.number().int().min(1).max(5),
  name: z.string().min(3).max(12),
  code: z.string().regex(/^[A-Z]{3}-\d{2}$/),
  handle: z.string().regex(/^(?!admin)[a-z]{3,8}$/),
  nickname: z.string().optional(),
  note: z.string().nullable(),
  color: z.enum(["red", "green", "blue"]),
  shape: Shape,
  value: z.union([z.string(), z.number()]),
  grid: z
    .array(z.array(z.number().int().min(0).max(9)).min(2).max(3))
    .min(1)
    .max(3),
  level: z.number().int().default(3),
  when: z.iso.datetime(),
});
const WithRecords = Everything.extend({ tags: z.record(z.string(), z.number().int()) });

// biome-ignore lint/suspicious/noExplicitAny: request bodies are read field by field
type Body = Record<string, any>;

/**
 * Every provider but Anthropic also gets records. OpenAI: `Everything` can be
 * strict, and is sent strict (constrained decoding); with records it cannot,
 * and is sent with `strict: false`.
 */
const providers: {
  name: string;
  llm: LLM;
  provider: "openai" | "anthropic" | "google";
  schema: z.ZodType;
  path: RegExp;
  strictOf?: (body: Body) => unknown;
}[] = [
  {
    name: "openai (responses)",
    llm: "gpt-4.1-mini",
    provider: "openai",
    schema: Everything,
    path: /^\/v1\/responses$/,
    strictOf: (body) => body.text.format.strict,
  },
  {
    name: "openai (chat)",
    llm: "openai-chat:gpt-4.1-mini",
    provider: "openai",
    schema: Everything,
    path: /^\/v1\/chat\/completions$/,
    strictOf: (body) => body.response_format.json_schema.strict,
  },
  {
    name: "openai (responses), with records",
    llm: "gpt-4.1-mini",
    provider: "openai",
    schema: WithRecords,
    path: /^\/v1\/responses$/,
  },
  { name: "anthropic", llm: "claude-sonnet-4-5", provider: "anthropic", schema: Everything, path: /^\/v1\/messages$/ },
  { name: "google", llm: "gemini-2.5-flash", provider: "google", schema: WithRecords, path: /:generateContent$/ },
];

const items = ["first", "second", "third"];

let server: FakeProviderServer;
beforeAll(async () => {
  server = await startFakeProviderServer();
});
afterAll(() => server.close());

function open(directory: string, options: ParallellmOptions): Promise<Parallellm> {
  return Parallellm.open(directory, {
    clients: server.clientsFor(),
    providers: openaiChat(server),
    summary: false,
    ...options,
  });
}

/** One structured ask per item; undefined while answers wait in a batch. */
async function askEverything(pllm: Parallellm, schema: z.ZodType): Promise<unknown[] | undefined> {
  const values = await pllm.forEach(
    items,
    (item) => item,
    async (item, agent) => (await agent.ask(`Describe the ${item} thing.`, { schema }).value()) as unknown,
  );
  return values.includes(undefined) ? undefined : values;
}

describe("a schema with every common zod feature, on every provider", () => {
  for (const { name, llm, provider, schema, path, strictOf } of providers) {
    for (const strategy of ["sync", "async"] as const) {
      it(`${name}, ${strategy}: answered, and every value satisfies the full schema`, async () => {
        server.resetLog();
        const pllm = await open(tempWorkspace(), { llm, strategy });
        const values = await askEverything(pllm, schema);
        await pllm.close();
        expect(values).toHaveLength(items.length);
        for (const value of values ?? []) expect(schema.parse(value)).toEqual(value);
        const sent = server.requests.filter((entry) => path.test(entry.path));
        expect(sent).toHaveLength(items.length);
        if (strictOf) for (const entry of sent) expect(strictOf(entry.body as Body)).toBe(true);
      });
    }

    it(`${name}, batch: collected, submitted, ingested and replayed, every value valid`, async () => {
      const directory = tempWorkspace();
      let pllm = await open(directory, { llm, strategy: "batch" });
      expect(await askEverything(pllm, schema)).toBeUndefined();
      const first = await pllm.close();
      expect(first.batches.submitted).toHaveLength(1);
      const batched = server.batchesOf(provider)[0]?.items ?? []; // newest first
      expect(batched).toHaveLength(items.length);
      if (strictOf) for (const item of batched) expect(strictOf(item.context.body as Body)).toBe(true);

      pllm = await open(directory, { llm, strategy: "batch" });
      const values = await askEverything(pllm, schema);
      const second = await pllm.close();
      expect(second.batches).toMatchObject({ ingested: 1, ingestedAnswers: items.length });
      expect(second).toMatchObject({ replayed: items.length, sent: 0, collected: 0 });
      expect(values).toHaveLength(items.length);
      for (const value of values ?? []) expect(schema.parse(value)).toEqual(value);
    });
  }
});

describe("the README tournament (winner: z.enum, margin: z.number().int()) on claude-sonnet-4-5", () => {
  const llm = "claude-sonnet-4-5";
  const teams = ["Chiefs", "Bills", "Eagles", "49ers"];
  beforeAll(() => server.script({ match: /NFL teams/, reply: teams.join("\n") }));

  for (const strategy of ["sync", "async"] as const) {
    it(`${strategy}: every game is predicted and the standings are complete`, async () => {
      const pllm = await open(tempWorkspace(), { llm, strategy });
      const standings = await tournament(pllm);
      await pllm.close();
      expect(standings?.games).toHaveLength(pairs(standings?.teams ?? []).length);
      for (const game of standings?.games ?? []) expect(Number.isInteger(game.margin)).toBe(true);
    });
  }

  it("batch: converges to the sync standings", async () => {
    const expected = await tournament(await open(tempWorkspace(), { llm, strategy: "sync" }));
    const directory = tempWorkspace();
    let standings: Awaited<ReturnType<typeof tournament>>;
    for (let run = 0; run < 3; run++) {
      const pllm = await open(directory, { llm, strategy: "batch" });
      standings = await tournament(pllm);
      await pllm.close();
    }
    expect(standings).toEqual(expected);
  });
});

describe("constraints a provider was not told are still enforced", () => {
  it("anthropic: a rating below .min(1) is an InvalidOutputError (Anthropic takes no minimum)", async () => {
    server.script({ provider: "anthropic", match: "rating-check", reply: { json: { rating: 0 } }, times: 1 });
    const pllm = await open(tempWorkspace(), { llm: "claude-sonnet-4-5", strategy: "sync" });
    const Rated = z.object({ rating: z.number().int().min(1).max(5) });
    await expect(pllm.agent("a", (agent) => agent.ask("rating-check", { schema: Rated }).value())).rejects.toThrow(
      InvalidOutputError,
    );
    await pllm.close();
    const sent = server.requests.filter((entry) => entry.provider === "anthropic").at(-1)?.body as {
      output_config: { format: { schema: { properties: { rating: Record<string, unknown> } } } };
    };
    expect(sent.output_config.format.schema.properties.rating).toEqual({
      type: "integer",
      description: "{minimum: 1, maximum: 5}",
    });
  });

  it("google: a code off its regex is an InvalidOutputError (Gemini ignores pattern)", async () => {
    server.script({ provider: "google", match: "code-check", reply: { json: { code: "abc" } }, times: 1 });
    const pllm = await open(tempWorkspace(), { llm: "gemini-2.5-flash", strategy: "sync" });
    const Coded = z.object({ code: z.string().regex(/^[A-Z]{3}$/) });
    await expect(pllm.agent("g", (agent) => agent.ask("code-check", { schema: Coded }).value())).rejects.toThrow(
      InvalidOutputError,
    );
    await pllm.close();
  });
});

describe("schemas a provider cannot take are refused at ask, before anything is sent or collected", () => {
  const Tree: z.ZodType<{ name: string; children: { name: string }[] }> = z.object({
    name: z.string(),
    get children() {
      return z.array(Tree);
    },
  });
  const refused: { name: string; llm: LLM; schema: z.ZodType; says: RegExp }[] = [
    {
      name: "anthropic, a record",
      llm: "claude-sonnet-4-5",
      schema: z.object({ tags: z.record(z.string(), z.number()) }),
      says: /at "tags" it is an object without declared properties.*Declare its properties/,
    },
    {
      name: "anthropic, a recursive schema",
      llm: "claude-sonnet-4-5",
      schema: Tree,
      says: /recursive schema.*Unroll the recursion/,
    },
    {
      name: "anthropic, z.unknown()",
      llm: "claude-sonnet-4-5",
      schema: z.object({ anything: z.unknown() }),
      says: /at "anything" it takes any value/,
    },
    {
      name: "google, recursion through required properties",
      llm: "gemini-2.5-flash",
      schema: Tree,
      says: /through required properties only.*optional/,
    },
  ];

  for (const { name, llm, schema, says } of refused) {
    for (const strategy of ["sync", "batch"] as const) {
      it(`${name} (${strategy})`, async () => {
        const before = server.requests.length;
        const pllm = await open(tempWorkspace(), { llm, strategy });
        const asked = pllm.agent("refused", async (agent) => agent.ask("Describe it.", { schema }).value());
        await expect(asked).rejects.toThrow(InputError);
        await expect(asked).rejects.toThrow(says);
        const summary = await pllm.close();
        expect(summary.collected).toBe(0);
        expect(summary.batches.submitted).toHaveLength(0);
        expect(server.requests.length).toBe(before);
      });
    }
  }

  it("google takes recursion through an optional property", async () => {
    const Node: z.ZodType<{ name: string; next?: { name: string } }> = z.object({
      name: z.string(),
      get next() {
        return Node.optional();
      },
    });
    const pllm = await open(tempWorkspace(), { llm: "gemini-2.5-flash", strategy: "sync" });
    const value = await pllm.agent("chain", (agent) => agent.ask("A chain.", { schema: Node }).value());
    await pllm.close();
    expect(Node.parse(value)).toEqual(value);
  });

  for (const llm of ["gpt-4.1-mini", "claude-sonnet-4-5", "gemini-2.5-flash"]) {
    it(`${llm}: tool parameters that are not an object`, async () => {
      const before = server.requests.length;
      const pllm = await open(tempWorkspace(), { llm, strategy: "sync" });
      const tools = { pick: { description: "Pick one", parameters: z.union([z.string(), z.number()]) } };
      const asked = pllm.agent("tools", async (agent) => agent.ask("Pick.", { tools }).text());
      await expect(asked).rejects.toThrow(/Tool "pick" parameters cannot be sent.*z\.object/);
      await pllm.close();
      expect(server.requests.length).toBe(before);
    });
  }
});

it("the call identity covers the user's schema, not what a provider is sent", async () => {
  const pllm = await open(tempWorkspace(), { strategy: "sync", hashBy: ["documents", "schema"] });
  const hashes: string[] = [];
  await pllm.agent("hash", async (agent) => {
    for (const llm of ["gpt-4.1-mini", "claude-sonnet-4-5", "gemini-2.5-flash"]) {
      const answer = agent.ask("Same question.", { llm, schema: Everything, rewriteCache: true });
      await answer.value();
      hashes.push(answer.hash);
    }
  });
  await pllm.close();
  expect(new Set(hashes).size).toBe(1);
});
