/**
 * Property-based tests (fast-check) of `agent.ask` against the mock provider:
 * any documents, options, model names, schemas and tool definitions either
 * work or raise a typed `ParallellmError` with a message. Nothing crashes the
 * process, and the store is intact afterwards.
 */
import { join } from "node:path";
import Database from "better-sqlite3";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { file, image, type LLM, Parallellm, ParallellmError, toolResult } from "../src/index.js";
import { MockProvider } from "../src/testing/index.js";
import { tempWorkspace } from "./helpers.js";

// --- arbitraries: mostly plausible, sometimes hostile ---

const anything = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.jsonValue(),
  fc.uint8Array({ maxLength: 16 }),
);

const text = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: "binary", maxLength: 200 }));

const contentPart = fc.oneof(
  text,
  fc.record({ type: fc.constant("text"), text }),
  fc.record({ type: fc.string(), text: anything }),
  anything,
);

const bytes = fc.uint8Array({ minLength: 0, maxLength: 64 });
const mediaType = fc.oneof(fc.constantFrom("image/png", "image/jpeg", "application/pdf", "text/plain"), fc.string());

const document = fc.oneof(
  text,
  fc.record({ role: fc.constantFrom("user", "assistant", "system"), content: fc.oneof(text, fc.array(contentPart)) }),
  fc.record({ role: fc.string(), content: anything }),
  fc.tuple(bytes, fc.option(mediaType, { nil: undefined })).map(([data, type]) => image(data, type)),
  fc
    .tuple(fc.oneof(bytes, fc.webUrl()), mediaType, fc.option(fc.string(), { nil: undefined }))
    .map(([data, type, name]) => file(data, type, name)),
  fc.record(
    { type: fc.constantFrom("image", "file"), data: anything, url: anything, mediaType: anything },
    { requiredKeys: ["type"] },
  ),
  fc
    .tuple(fc.string(), fc.string(), fc.jsonValue(), fc.option(fc.boolean(), { nil: undefined }))
    .map(([id, name, output, isError]) => toolResult(id, name, output, isError)),
  fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 }),
  anything,
);

const documents = fc.oneof(
  { arbitrary: text, weight: 3 },
  { arbitrary: document, weight: 2 },
  { arbitrary: fc.array(document, { maxLength: 5 }), weight: 2 },
);

const llm: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    "mock-1",
    "mock",
    "mock:other",
    "gpt-4.1-mini",
    "claude-sonnet-4-6",
    "gemini-2.5-flash",
    "openai:local",
  ),
  fc.string().map((name) => `mock-${name}`),
  fc.string(),
  fc.record(
    {
      provider: fc.oneof(fc.constantFrom("mock", "openai", "anthropic", "google"), fc.string()),
      model: fc.oneof(fc.string(), anything),
      api: fc.constantFrom("responses", "chat", undefined, "other"),
    },
    { requiredKeys: [] },
  ),
  anything,
);

/** Zod schemas of a few levels, and JSON Schemas (valid, odd and invalid). */
const zodSchema: fc.Arbitrary<z.ZodType> = fc.letrec<{ node: z.ZodType }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom(z.string(), z.number(), z.number().int().min(0).max(9), z.boolean(), z.null()),
    fc
      .array(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 })
      .map((values) => z.enum([...new Set(values)] as [string, ...string[]])),
    tie("node").map((inner) => z.array(inner)),
    tie("node").map((inner) => inner.optional()),
    fc
      .dictionary(fc.string({ minLength: 1, maxLength: 10 }), tie("node"), { minKeys: 0, maxKeys: 4 })
      .map((shape) => z.object(shape)),
  ),
})).node;

const jsonSchema: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant({ type: "object", properties: { answer: { type: "string" } }, required: ["answer"] }),
  fc.record({ type: fc.constantFrom("object", "string", "number", "array", "boolean", "nonsense") }),
  fc.record({ type: fc.constant("object"), properties: fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }) }),
  fc.record({ enum: fc.array(fc.jsonValue(), { maxLength: 3 }) }),
  fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
  anything,
);

const schema = fc.oneof(zodSchema, jsonSchema);

const toolName = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), fc.string());
const toolSpec = fc.record(
  { description: fc.oneof(fc.string(), anything), parameters: schema },
  { requiredKeys: ["parameters"] },
);
const tools = fc.oneof(
  { arbitrary: fc.dictionary(toolName, toolSpec, { maxKeys: 3 }), weight: 2 },
  {
    arbitrary: fc.array(fc.record({ name: toolName, description: fc.string(), parameters: schema }), { maxLength: 3 }),
    weight: 2,
  },
  { arbitrary: fc.array(anything, { maxLength: 2 }), weight: 1 },
  { arbitrary: anything, weight: 1 },
);

/** Mostly a well-typed value, sometimes anything at all. */
const mostly = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ arbitrary: valid, weight: 30 }, { arbitrary: anything, weight: 1 });

const options = fc.record(
  {
    llm: fc.oneof({ arbitrary: fc.constant("mock-1"), weight: 4 }, { arbitrary: llm, weight: 1 }),
    instructions: mostly(text),
    salt: mostly(fc.string()),
    hashBy: mostly(fc.subarray(["instructions", "documents", "llm", "schema", "tools", "options"])),
    temperature: mostly(fc.double({ min: 0, max: 2, noNaN: true })),
    topP: mostly(fc.double({ min: 0, max: 1, noNaN: true })),
    maxTokens: mostly(fc.integer({ min: 1, max: 4096 })),
    stop: mostly(fc.array(fc.string(), { maxLength: 3 })),
    seed: mostly(fc.integer()),
    providerOptions: mostly(fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 })),
    schema,
    schemaName: mostly(fc.string()),
    tools,
    toolChoice: mostly(fc.oneof(fc.constantFrom("auto", "none", "required"), fc.record({ name: fc.string() }))),
    ignoreCache: mostly(fc.boolean()),
    rewriteCache: mostly(fc.constant(false)),
  },
  { requiredKeys: [] },
);

// --- the property ---

describe("agent.ask on any input", () => {
  it("works, or throws a typed ParallellmError with a message; the store stays intact", async () => {
    const directory = tempWorkspace();
    const mocks = {
      mock: new MockProvider(),
      openai: new MockProvider({ name: "openai" }),
      anthropic: new MockProvider({ name: "anthropic" }),
      google: new MockProvider({ name: "google" }),
    };
    const pllm = await Parallellm.open(directory, { llm: "mock-1", providers: mocks, summary: false });
    const outcomes = { worked: 0, refused: 0 };
    let run = 0;
    await fc.assert(
      fc.asyncProperty(documents, options, async (docs, askOptions) => {
        const agentName = `agent-${run++}`;
        try {
          await pllm.agent(agentName, async (agent) => {
            const handle = agent.ask(docs as never, askOptions as never);
            await handle.text();
            if ((askOptions as { schema?: unknown }).schema !== undefined) await handle.value();
          });
          outcomes.worked++;
        } catch (error) {
          if (!(error instanceof ParallellmError)) throw error;
          expect(error.message.trim().length).toBeGreaterThan(10);

          outcomes.refused++;
        }
      }),
      { numRuns: 400 },
    );
    const summary = await pllm.close();
    // Both sides of the property were exercised.
    expect(outcomes.worked).toBeGreaterThan(40);
    expect(outcomes.refused).toBeGreaterThan(40);

    const db = new Database(join(directory, "store.sqlite"), { readonly: true });
    expect(db.pragma("integrity_check", { simple: true })).toBe("ok");
    const stored = db.prepare("SELECT count(*) FROM calls WHERE response_id IS NOT NULL").pluck().get() as number;
    db.close();
    expect(stored).toBe(summary.received);

    // Everything stored replays: one more run over every stored call sends nothing.
    const again = await Parallellm.open(directory, { llm: "mock-1", providers: mocks, summary: false });
    await again.close();
  });

  it("model names: any string or identity resolves or is refused with an InputError before anything is sent", async () => {
    const mocks = {
      mock: new MockProvider(),
      openai: new MockProvider({ name: "openai" }),
      anthropic: new MockProvider({ name: "anthropic" }),
      google: new MockProvider({ name: "google" }),
    };
    const sent = () => Object.values(mocks).reduce((sum, mock) => sum + mock.requestCount, 0);
    const pllm = await Parallellm.open(tempWorkspace(), { providers: mocks, summary: false });
    await fc.assert(
      fc.asyncProperty(llm, async (model) => {
        const before = sent();
        try {
          await pllm.agent("models", (agent) => agent.ask("Hi", { llm: model as LLM }).text());
        } catch (error) {
          expect(error).toBeInstanceOf(ParallellmError);
          expect(sent()).toBe(before);
        }
      }),
      { numRuns: 300 },
    );
    await pllm.close();
  });
});
