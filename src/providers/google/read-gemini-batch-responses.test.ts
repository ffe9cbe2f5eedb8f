import { describe, expect, it } from "vitest";
import { ProviderRequestError, TransientProviderError } from "../../core/errors.js";
import { fromGeminiBatchEmbedding } from "./gemini-batch-embedding.js";
import { readGeminiBatchResponses } from "./read-gemini-batch-responses.js";

const batch = { id: "batches/b1", model: "gemini-2.5-flash" };

it("reads gRPC codes in an error as the HTTP status Google maps them to", () => {
  const items = readGeminiBatchResponses(
    [
      { error: { code: 8, message: "Quota exceeded." }, metadata: { key: "quota" } },
      { error: { code: 3, message: "Bad schema." }, metadata: { key: "bad" } },
      { error: { code: 429, message: "Slow down.", status: "RESOURCE_EXHAUSTED" }, metadata: { key: "http" } },
    ],
    batch,
  ).map(({ outcome }) => outcome);
  const errors = items.map((item) => ("status" in item && item.status === "failed" ? item.error : undefined));
  expect(errors[0]).toBeInstanceOf(TransientProviderError);
  expect(errors[0]).toMatchObject({ kind: "rate-limited", statusCode: 429, providerMessage: "Quota exceeded." });
  expect(errors[1]).toBeInstanceOf(ProviderRequestError);
  expect(errors[1]).toMatchObject({ statusCode: 400, model: "gemini-2.5-flash" });
  expect(errors[2]).toMatchObject({ kind: "rate-limited", statusCode: 429 });
});

it("skips entries that are not objects or carry a non-string key, keeping each raw line and where it was", () => {
  const lines = readGeminiBatchResponses(
    [
      null,
      { response: { candidates: [] }, metadata: { key: 7 } },
      { response: { candidates: [{ content: { parts: [{ text: "fine" }] } }] }, metadata: { key: "ok" } },
    ],
    batch,
    5000,
  );
  expect(lines.map((line) => line.raw)).toEqual([
    "null",
    '{"response":{"candidates":[]},"metadata":{"key":7}}',
    '{"response":{"candidates":[{"content":{"parts":[{"text":"fine"}]}}]},"metadata":{"key":"ok"}}',
  ]);
  expect(lines[0].outcome).toEqual({
    warning: expect.stringContaining("Response 5000 of batch batches/b1 has no metadata.key"),
  });
  expect(lines[1].outcome).toEqual({ warning: expect.stringContaining("Response 5001") });
  expect(lines[2].outcome).toEqual(expect.objectContaining({ customId: "ok", status: "succeeded" }));
});

describe("embedding batch responses", () => {
  const embedBatch = { id: "batches/e1", model: "gemini-embedding-001" };
  const read = (responses: unknown[]) =>
    readGeminiBatchResponses(responses, embedBatch, 0, fromGeminiBatchEmbedding).map(({ outcome }) => outcome);

  it("reads the vector and the int64 tokenCount, matched by key whatever the order", () => {
    const [second, first] = read([
      { response: { embedding: { values: [0, 1] }, tokenCount: "7" }, metadata: { key: "second" } },
      { response: { embedding: { values: [1, 0] } }, metadata: { key: "first" } },
    ]);
    expect(second).toMatchObject({ customId: "second", status: "succeeded" });
    const result = second && "result" in second ? second.result : undefined;
    expect([...result!.embedding!]).toEqual([0, 1]);
    expect(result).toMatchObject({
      text: "",
      model: "gemini-embedding-001",
      usage: { inputTokens: 7, totalTokens: 7 },
    });
    // No tokenCount: no count, never a 0.
    expect(first && "result" in first ? first.result.usage.inputTokens : "missing").toBeUndefined();
  });

  it("skips a response without a usable vector, and keeps no count that is not one", () => {
    const outcomes = read([
      { response: { embedding: {} }, metadata: { key: "empty" } },
      { response: { embedding: { values: [] } }, metadata: { key: "no-values" } },
      { response: { embedding: { values: ["0.1"] } }, metadata: { key: "strings" } },
      { response: { candidates: [{ content: { parts: [{ text: "an ask's answer" }] } }] }, metadata: { key: "ask" } },
      { response: { embedding: { values: [0.5] }, tokenCount: "many" }, metadata: { key: "odd-count" } },
    ]);
    expect(outcomes.slice(0, 4)).toEqual([
      {
        warning: expect.stringContaining(
          '(key "empty") has no readable answer (the response holds no embedding.values)',
        ),
      },
      { warning: expect.stringContaining('(key "no-values") has no readable answer') },
      { warning: expect.stringContaining('(key "strings") has no readable answer') },
      { warning: expect.stringContaining('(key "ask") has no readable answer') },
    ]);
    const oddCount = outcomes[4];
    expect(oddCount && "result" in oddCount ? oddCount.result.usage.inputTokens : "missing").toBeUndefined();
  });
});
