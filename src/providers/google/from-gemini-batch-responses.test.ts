import { expect, it } from "vitest";
import { ProviderRequestError, TransientProviderError } from "../../core/errors.js";
import { fromGeminiBatchResponses } from "./from-gemini-batch-responses.js";

const batch = { id: "batches/b1", model: "gemini-2.5-flash" };

it("reads gRPC codes in an error as the HTTP status Google maps them to", () => {
  const { items } = fromGeminiBatchResponses(
    [
      { error: { code: 8, message: "Quota exceeded." }, metadata: { key: "quota" } },
      { error: { code: 3, message: "Bad schema." }, metadata: { key: "bad" } },
      { error: { code: 429, message: "Slow down.", status: "RESOURCE_EXHAUSTED" }, metadata: { key: "http" } },
    ],
    batch,
  );
  const errors = items.map((item) => (item.status === "failed" ? item.error : undefined));
  expect(errors[0]).toBeInstanceOf(TransientProviderError);
  expect(errors[0]).toMatchObject({ kind: "rate-limited", statusCode: 429, providerMessage: "Quota exceeded." });
  expect(errors[1]).toBeInstanceOf(ProviderRequestError);
  expect(errors[1]).toMatchObject({ statusCode: 400, model: "gemini-2.5-flash" });
  expect(errors[2]).toMatchObject({ kind: "rate-limited", statusCode: 429 });
});

it("skips entries that are not objects or carry a non-string key, and keeps every raw line", () => {
  const results = fromGeminiBatchResponses(
    [
      null,
      { response: { candidates: [] }, metadata: { key: 7 } },
      { response: { candidates: [{ content: { parts: [{ text: "fine" }] } }] }, metadata: { key: "ok" } },
    ],
    batch,
  );
  expect(results.items).toEqual([expect.objectContaining({ customId: "ok", status: "succeeded" })]);
  expect(results.rawLines).toEqual([
    "null",
    '{"response":{"candidates":[]},"metadata":{"key":7}}',
    '{"response":{"candidates":[{"content":{"parts":[{"text":"fine"}]}}]},"metadata":{"key":"ok"}}',
  ]);
  expect(results.warnings).toHaveLength(2);
  expect(results.warnings[0]).toContain("Response 0 of batch batches/b1 has no metadata.key");
});

it("keeps a key repeated with the same entry once, and leaves out every entry of a key repeated with a different one", () => {
  const answer = (text: string, key: string) => ({
    response: { candidates: [{ content: { parts: [{ text }] } }] },
    metadata: { key },
  });
  const results = fromGeminiBatchResponses(
    [answer("A", "a"), answer("A", "a"), answer("B?", "b"), answer("B", "b"), answer("B", "b")],
    batch,
  );
  expect(results.items).toEqual([
    expect.objectContaining({ customId: "a", result: expect.objectContaining({ text: "A" }) }),
  ]);
  expect(results.warnings).toEqual([
    '[google] Response 1 of batch batches/b1 repeats the result of key "a"; kept once.',
    '[google] Response 3 of batch batches/b1 repeats the key "b" with a different result; all its results are left out.',
    '[google] Response 4 of batch batches/b1 repeats the key "b" again; all its results are left out.',
  ]);
});
