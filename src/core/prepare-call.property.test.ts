/**
 * Call identity, as a property: whatever the asks (documents of every kind,
 * options of every kind, shared or not between asks, and option objects
 * changed in place between asks), `prepareCall` with one run's `IdentityCache`
 * gives exactly the canonical form of the identity object the spec below
 * builds from scratch, and so the same hash. The cache's shortcuts (the last
 * options' shape, members written once, schema conversions kept) cannot drift
 * from it without this failing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { assistantTurn, type Document, file, image, toolResult } from "../documents/document.js";
import { normalizeDocuments } from "../documents/normalize-documents.js";
import { type AskOptions, allHashParts, type ResolvedModel } from "./call-options.js";
import { canonicalForm, canonicalJson, documentThreshold, sha256 } from "./canonical.js";
import { IdentityCache } from "./identity-cache.js";
import type { LLM } from "./llm.js";
import { prepareCall, retryCall } from "./prepare-call.js";
import { toOutputSchema, toToolDefinitions } from "./schema.js";

const resolveLLM = (llm: LLM): ResolvedModel =>
  typeof llm === "string"
    ? { id: llm, provider: "mock", model: llm, api: undefined }
    : {
        id: llm.model,
        provider: llm.provider,
        model: llm.model,
        api: llm.provider === "chat-endpoint" ? "chat" : undefined,
      };

// --- the spec: the identity object, written by canonicalForm ---

/** Members written whole (long strings stay in them), marked while the rest is written. */
const wholeMark = (name: string) => `\u0000whole:${name}\u0000`;

/** The canonical form of an ask's identity, from its documents and options as they are now. */
function specifiedForm(documents: Document | readonly Document[], options: AskOptions, retryInvalid?: number) {
  const { messages, system } = normalizeDocuments(documents);
  const joined = options.instructions ? [options.instructions, ...system] : system;
  const instructions = joined.length > 0 ? joined.join("\n\n") : undefined;
  const parts = new Set<string>(options.hashBy ?? allHashParts);
  const generation = Object.fromEntries(
    (["temperature", "topP", "maxTokens", "stop", "seed"] as const)
      .filter((key) => options[key] !== undefined)
      .map((key) => [key, options[key]]),
  );
  const llm = resolveLLM(options.llm as LLM);
  const schema = options.schema === undefined ? undefined : toOutputSchema(options.schema, options.schemaName);
  const tools = options.tools === undefined ? undefined : toToolDefinitions(options.tools);
  const byOptions = parts.has("options");
  const whole: Record<string, unknown> = {
    llm: parts.has("llm") ? { provider: llm.provider, model: llm.model, api: llm.api } : undefined,
    salt: options.salt,
    schema: parts.has("schema") ? schema : undefined,
    tools: parts.has("tools") ? tools : undefined,
  };
  const identity = {
    v: 1,
    instructions: parts.has("instructions") ? instructions : undefined,
    messages: parts.has("documents") ? messages : undefined,
    options: byOptions && Object.keys(generation).length > 0 ? generation : undefined,
    toolChoice: byOptions ? options.toolChoice : undefined,
    providerOptions: byOptions ? options.providerOptions : undefined,
    retryInvalid,
    ...Object.fromEntries(
      Object.entries(whole).map(([name, value]) => [name, value === undefined ? undefined : wholeMark(name)]),
    ),
  };
  const form = canonicalForm(identity);
  let json = form.json;
  for (const [name, value] of Object.entries(whole)) {
    if (value !== undefined) json = json.replace(JSON.stringify(wholeMark(name)), () => canonicalJson(value));
  }
  return { json, documents: [...form.documents].sort() };
}

// --- arbitraries: valid asks only (refusals are test/ask-properties.test.ts's) ---

const shortText = fc.string({ maxLength: 12 }).map((text) => `t${text}`);
const longText = fc
  .string({ minLength: 1, maxLength: 6 })
  .map((text) => `L${text}`.repeat(Math.ceil((documentThreshold + 10) / (text.length + 1))));
const text = fc.oneof({ arbitrary: shortText, weight: 4 }, { arbitrary: longText, weight: 1 });
const json = fc.oneof(fc.jsonValue({ maxDepth: 2 }), text);
const record = fc.dictionary(
  shortText.map((key) => `k${key}`),
  json,
  { maxKeys: 3 },
);
const bytes = fc.oneof(fc.uint8Array({ maxLength: 8 }), fc.constant(new Uint8Array(documentThreshold)));

const toolCallPart = fc.record({
  type: fc.constant("tool-call" as const),
  id: shortText,
  name: shortText,
  args: record,
});
const toolResultPart = fc.record({
  type: fc.constant("tool-result" as const),
  toolCallId: shortText,
  name: shortText,
  output: json,
});
const textPart = text.map((value) => ({ type: "text" as const, text: value }));

const document: fc.Arbitrary<Document> = fc.oneof(
  text,
  bytes.map((data) => image(data, "image/png")),
  fc.webUrl().map((url) => image(url, "image/jpeg")),
  fc.tuple(bytes, fc.option(shortText, { nil: undefined })).map(([data, name]) => file(data, "application/pdf", name)),
  fc
    .tuple(shortText, shortText, json, fc.option(fc.boolean(), { nil: undefined }))
    .map(([id, name, output, isError]) => toolResult(id, name, output, isError)),
  record,
  fc.record({ role: fc.constantFrom("user" as const, "system" as const), content: text }),
  fc.record({
    role: fc.constant("user" as const),
    content: fc.array(fc.oneof(textPart, toolResultPart), { minLength: 1 }),
  }),
  // Conversations' messages: an assistant turn as stored, and one coming from an answer.
  fc.record({ role: fc.constant("assistant" as const), content: fc.array(fc.oneof(textPart, toolCallPart)) }),
  fc
    .array(fc.oneof(textPart, toolCallPart), { maxLength: 2 })
    .map((content) => ({ [assistantTurn]: () => ({ role: "assistant" as const, content }) }) as unknown as Document),
);

/** A lone prompt (most asks), or a list ending with a user message. */
const documents = fc.oneof(
  text,
  fc.tuple(fc.array(document, { maxLength: 3 }), text).map(([list, last]) => [...list, last]),
);

const jsonSchema = fc.record(
  {
    type: fc.constant("object"),
    properties: fc.dictionary(
      shortText,
      fc.record({ type: fc.constantFrom("string", "number"), description: text }, { requiredKeys: ["type"] }),
      { maxKeys: 3 },
    ),
    title: shortText,
    description: text,
  },
  { requiredKeys: ["type", "properties"] },
);
const zodSchema = fc.constantFrom(
  z.object({ label: z.string() }),
  z.object({ score: z.number().int(), reasons: z.array(z.string()).describe("L".repeat(documentThreshold)) }),
);
const schema = fc.oneof(jsonSchema, zodSchema);
const toolSpec = fc.record({ description: text, parameters: schema }, { requiredKeys: ["parameters"] });
const tools = fc.oneof(
  fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), toolSpec, { minKeys: 1, maxKeys: 2 }),
  fc.array(fc.record({ name: fc.stringMatching(/^[a-z_]{1,8}$/), description: text, parameters: schema }), {
    minLength: 1,
    maxLength: 2,
  }),
);

const options = fc.record(
  {
    llm: fc.oneof(
      fc.constantFrom("m-1", "m-2"),
      fc.record({
        // An OpenAI-compatible provider registered with \`api: "chat"\`: the variant is hashed with the model.
        provider: fc.constantFrom("openai", "mock", "chat-endpoint"),
        model: shortText,
      }),
    ),
    instructions: text,
    salt: text,
    hashBy: fc.subarray([...allHashParts]),
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    topP: fc.double({ min: 0, max: 1, noNaN: true }),
    maxTokens: fc.integer({ min: 1, max: 4096 }),
    stop: fc.array(text, { maxLength: 2 }),
    seed: fc.integer(),
    providerOptions: record,
    schema,
    schemaName: shortText,
    tools,
    toolChoice: fc.oneof(fc.constantFrom("auto", "none", "required"), fc.record({ name: shortText })),
  },
  { requiredKeys: ["llm"] },
) as fc.Arbitrary<AskOptions>;

type Options = Record<string, unknown>;

/** Changes a user may make in place to an object inside the options, between two asks. */
const changes: readonly ((options: Options, value: string) => boolean)[] = [
  (options, value) => change(options["providerOptions"], (record) => (record["kChanged"] = value)),
  (options, value) => change(options["stop"], (stop) => (stop as unknown as unknown[]).push(value)),
  (options) => change(options["hashBy"], (parts) => (parts as unknown as unknown[]).pop()),
  (options, value) => change(options["llm"], (llm) => (llm["model"] = value)),
  (options, value) => change(options["toolChoice"], (choice) => (choice["name"] = value)),
  (options, value) => change(options["schema"], (schema) => (schema["description"] = value)),
  (options, value) =>
    change(options["schema"], (schema) => ((schema["properties"] as Options)[value] = { type: "boolean" })),
  (options, value) => change(firstTool(options["tools"]), (tool) => (tool["description"] = value)),
  (options, value) =>
    change(firstTool(options["tools"])?.["parameters"], (parameters) => (parameters["title"] = value)),
];

/** Applies `edit` when `target` is plain data (a zod schema cannot change). */
function change(target: unknown, edit: (target: Options) => unknown): boolean {
  if (typeof target !== "object" || target === null || "~standard" in target) return false;
  edit(target as Options);
  return true;
}

function firstTool(tools: unknown): Options | undefined {
  if (tools === undefined) return undefined;
  return (Array.isArray(tools) ? tools[0] : Object.values(tools as Options)[0]) as Options | undefined;
}

const step = fc.oneof(
  fc.record({ ask: fc.nat(), documents }),
  fc.record({ change: fc.nat(), kind: fc.nat(changes.length - 1), value: text }),
);

describe("prepareCall (property)", () => {
  it("gives every ask exactly the canonical form of its identity, however options are shared and changed", () => {
    let changed = 0;
    fc.assert(
      fc.property(
        fc.array(options, { minLength: 1, maxLength: 3 }),
        fc.array(step, { maxLength: 8 }),
        (pool, steps) => {
          const cache = new IdentityCache();
          for (const item of steps) {
            if ("change" in item) {
              if (changes[item.kind](pool[item.change % pool.length] as Options, item.value)) changed++;
              continue;
            }
            const askOptions = pool[item.ask % pool.length];
            const call = prepareCall(item.documents, askOptions, resolveLLM, cache);
            const expected = specifiedForm(item.documents, askOptions);
            expect(call.canonical.json).toBe(expected.json);
            expect([...call.canonical.documents].sort()).toEqual(expected.documents);
            expect(call.hash).toBe(sha256(expected.json));
            const retry = retryCall(call, 2);
            expect(retry.canonical.json).toBe(specifiedForm(item.documents, askOptions, 2).json);
            expect(retry.hash).toBe(sha256(retry.canonical.json));
          }
        },
      ),
      { numRuns: 300 },
    );
    // The in-place changes were exercised, not only generated.
    expect(changed).toBeGreaterThan(50);
  });
});
