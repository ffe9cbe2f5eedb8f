import { expect, it } from "vitest";
import { ProviderRequestError, TransientProviderError } from "../../core/errors.js";
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
