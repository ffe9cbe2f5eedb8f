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
    [null, { response: { candidates: [] }, metadata: { key: 7 } }, { response: {}, metadata: { key: "ok" } }],
    batch,
  );
  expect(results.items).toEqual([expect.objectContaining({ customId: "ok", status: "succeeded" })]);
  expect(results.rawLines).toEqual([
    "null",
    '{"response":{"candidates":[]},"metadata":{"key":7}}',
    '{"response":{},"metadata":{"key":"ok"}}',
  ]);
  expect(results.warnings).toHaveLength(2);
  expect(results.warnings[0]).toContain("Response 0 of batch batches/b1 has no metadata.key");
});
