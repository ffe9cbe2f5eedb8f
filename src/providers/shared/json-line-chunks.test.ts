import { expect, it } from "vitest";
import { TransientProviderError } from "../../core/errors.js";
import { jsonLineChunks } from "./json-line-chunks.js";

const bytes = (text: string) => new TextEncoder().encode(text);

it("cuts lines across pieces, numbers them with blank lines counted, and drops \\r", async () => {
  async function* body() {
    yield bytes('{"a":1}\r\n\n{"b"');
    yield bytes(':"é"}\n{"c":3}');
  }
  const lines = [];
  for await (const chunk of jsonLineChunks(body(), "openai")) lines.push(...chunk);
  expect(lines).toEqual([
    { text: '{"a":1}', number: 1 },
    { text: '{"b":"é"}', number: 3 },
    { text: '{"c":3}', number: 4 },
  ]);
});

it("turns a download that breaks off into a transient provider error saying where", async () => {
  async function* body() {
    yield bytes('{"a":1}\n{"b":2}\n');
    throw new TypeError("terminated");
  }
  const read = async () => {
    for await (const _ of jsonLineChunks(body(), "anthropic"));
  };
  const error = await read().catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(TransientProviderError);
  expect((error as Error).message).toMatch(/^anthropic failed .*broke off after line 2 \(terminated\)/);
});
