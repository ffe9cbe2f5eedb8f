/**
 * AI SDK `ModelMessage`s as documents, as a property: whatever the native ask
 * (prompts, messages, images, files, tool calls and results, objects sent as
 * JSON), the same ask written as AI SDK messages makes the same request and
 * hashes the same, so either way of asking replays the other's answers.
 */
import type { ModelMessage, ToolResultPart } from "ai";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ResolvedModel } from "../core/call-options.js";
import { documentThreshold } from "../core/canonical.js";
import { InputError } from "../core/errors.js";
import { IdentityCache } from "../core/identity-cache.js";
import { prepareCall } from "../core/prepare-call.js";
import { type Document, file, image, toolResult } from "./document.js";

const resolveLLM = (): ResolvedModel => ({ id: "m", provider: "mock", model: "m", api: undefined });
const prepare = (documents: readonly Document[]) =>
  prepareCall(documents, { llm: "m", temperature: 0.2 }, resolveLLM, new IdentityCache());

// --- native documents, each beside the same document written as AI SDK messages ---

const text = fc.oneof(
  { arbitrary: fc.string({ maxLength: 12 }).map((value) => `t${value}`), weight: 4 },
  { arbitrary: fc.constant("L".repeat(documentThreshold + 10)), weight: 1 },
);
const json = fc.oneof(fc.jsonValue({ maxDepth: 2 }), text);
const bytes = fc.uint8Array({ maxLength: 8 });

type Pair = readonly [Document, ModelMessage[]];

const toolOutput = (output: unknown, isError: boolean | undefined): ToolResultPart["output"] =>
  typeof output === "string"
    ? { type: isError ? "error-text" : "text", value: output }
    : { type: isError ? "error-json" : "json", value: output as never };

const toolResultPair = fc.tuple(text, text, json, fc.option(fc.boolean(), { nil: undefined })).map(
  ([id, name, output, isError]): Pair => [
    toolResult(id, name, output, isError),
    [
      {
        role: "tool",
        content: [{ type: "tool-result", toolCallId: id, toolName: name, output: toolOutput(output, isError) }],
      },
    ],
  ],
);

const assistantPair = fc
  .array(
    fc.oneof(
      text.map((value) => ["text", value] as const),
      fc.tuple(text, text, fc.dictionary(text, json, { maxKeys: 2 })).map((call) => ["call", call] as const),
    ),
    { maxLength: 3 },
  )
  .map(
    (parts): Pair => [
      {
        role: "assistant",
        content: parts.map(([kind, value]) =>
          kind === "text"
            ? { type: "text", text: value }
            : { type: "tool-call", id: value[0], name: value[1], args: value[2] },
        ),
      },
      [
        {
          role: "assistant",
          content: parts.map(([kind, value]) =>
            kind === "text"
              ? { type: "text", text: value }
              : { type: "tool-call", toolCallId: value[0], toolName: value[1], input: value[2] },
          ),
        },
      ],
    ],
  );

const pair: fc.Arbitrary<Pair> = fc.oneof(
  text.map((value): Pair => [value, [{ role: "user", content: value }]]),
  text.map((value): Pair => [{ role: "system", content: value }, [{ role: "system", content: value }]]),
  bytes.map(
    (data): Pair => [
      image(data, "image/png"),
      [{ role: "user", content: [{ type: "image", image: data, mediaType: "image/png" }] }],
    ],
  ),
  fc
    .webUrl()
    .map(
      (url): Pair => [
        image(url, "image/jpeg"),
        [{ role: "user", content: [{ type: "image", image: url, mediaType: "image/jpeg" }] }],
      ],
    ),
  fc.tuple(bytes, fc.option(text, { nil: undefined })).map(
    ([data, filename]): Pair => [
      file(data, "application/pdf", filename),
      [
        {
          role: "user",
          content: [
            { type: "file", data, mediaType: "application/pdf", ...(filename === undefined ? {} : { filename }) },
          ],
        },
      ],
    ],
  ),
  fc
    .webUrl()
    // A URL object is sent as its `href` (the URL class's own spelling of it).
    .map((url) => new URL(url))
    .map(
      (url): Pair => [
        file(url.href, "application/pdf"),
        [{ role: "user", content: [{ type: "file", data: url, mediaType: "application/pdf" }] }],
      ],
    ),
  fc
    .dictionary(
      fc.string({ maxLength: 4 }).map((key) => `k${key}`),
      json,
      { maxKeys: 3 },
    )
    .map((record): Pair => [record, [{ role: "user", content: JSON.stringify(record) }]]),
  toolResultPair,
  assistantPair,
);

/** An ask: some documents, then a prompt. */
const ask = fc.tuple(fc.array(pair, { maxLength: 4 }), text).map(([pairs, prompt]) => ({
  native: [...pairs.map(([native]) => native), prompt],
  messages: [...pairs.flatMap(([, messages]) => messages), { role: "user", content: prompt } as ModelMessage],
}));

describe("AI SDK messages as documents", () => {
  it("make the same request, with the same hash, as the native documents they write", () => {
    fc.assert(
      fc.property(ask, ({ native, messages }) => {
        const expected = prepare(native);
        const actual = prepare(messages);
        expect(actual.request).toEqual(expected.request);
        expect(actual.hash).toBe(expected.hash);
      }),
      { numRuns: 300 },
    );
  });

  it("refuse parts no provider would be sent, naming the part", () => {
    const refused = (messages: ModelMessage[]) => () => prepare(messages);
    expect(
      refused([
        { role: "assistant", content: [{ type: "reasoning", text: "hm" }] },
        { role: "user", content: "Go" },
      ]),
    ).toThrow(/documents\[0\]\.content\[0\] is a reasoning part/);
    expect(
      refused([
        {
          role: "user",
          content: [
            { type: "text", text: "Hi", providerOptions: { anthropic: { cacheControl: { type: "ephemeral" } } } },
          ],
        },
      ]),
    ).toThrow(/documents\[0\]\.content\[0\] has providerOptions/);
    expect(refused([{ role: "user", content: "Hi", providerOptions: { openai: { x: 1 } } }])).toThrow(
      /documents\[0\] has providerOptions/,
    );
    expect(
      refused([
        {
          role: "tool",
          content: [{ type: "tool-result", toolCallId: "c", toolName: "f", output: { type: "execution-denied" } }],
        },
        { role: "user", content: "Go" },
      ]),
    ).toThrow(/output is of type "execution-denied"/);
    expect(
      refused([
        {
          role: "assistant",
          content: [{ type: "tool-call", toolCallId: "c", toolName: "web", input: {}, providerExecuted: true }],
        },
        { role: "user", content: "Go" },
      ]),
    ).toThrow(/providerExecuted/);
    expect(
      refused([{ role: "tool", content: [{ type: "tool-approval-response", approvalId: "a", approved: true }] }]),
    ).toThrow(InputError);
    expect(refused([{ role: "user", content: [{ type: "image", image: new Uint8Array([1, 2]) }] }])).toThrow(
      /without a mediaType/,
    );
  });

  it("take an image as a data URL with its media type, and text data that is a web address as a URL", () => {
    const fromDataUrl = prepare([{ role: "user", content: [{ type: "image", image: "data:image/png;base64,AQI=" }] }]);
    expect(fromDataUrl.request.messages[0]!.content[0]).toEqual({
      type: "image",
      mediaType: "image/png",
      data: "AQI=",
      url: undefined,
    });
    const fromText = prepare([
      { role: "user", content: [{ type: "file", data: "https://example.com/a.pdf", mediaType: "application/pdf" }] },
    ]);
    expect(fromText.request.messages[0]!.content[0]).toMatchObject({
      url: "https://example.com/a.pdf",
      data: undefined,
    });
  });
});
