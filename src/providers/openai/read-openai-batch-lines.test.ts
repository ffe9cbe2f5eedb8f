import { describe, expect, it } from "vitest";
import { readOpenAIBatchLines } from "./read-openai-batch-lines.js";

const batch = { id: "batch_1", endpoint: "/v1/responses", model: "gpt-4.1-mini" } as const;

function success(customId: string, text: string): string {
  const body = {
    id: `resp_${customId}`,
    status: "completed",
    output: [{ type: "message", content: [{ type: "output_text", text }] }],
  };
  return JSON.stringify({
    id: "batch_req_1",
    custom_id: customId,
    response: { status_code: 200, request_id: "req_1", body },
    error: null,
  });
}

function expired(customId: string): string {
  return JSON.stringify({
    id: "batch_req_2",
    custom_id: customId,
    response: null,
    error: { code: "batch_expired", message: "" },
  });
}

const numbered = (...texts: string[]) => texts.map((text, index) => ({ text, number: index + 1 }));

describe("readOpenAIBatchLines", () => {
  it("reads successes and expiries, keeping each raw line", () => {
    const lines = readOpenAIBatchLines(numbered(success("a", "One"), expired("c")), "output", batch);

    expect(lines.map(({ outcome }) => ("warning" in outcome ? "warning" : [outcome.customId, outcome.status]))).toEqual(
      [
        ["a", "succeeded"],
        ["c", "expired"],
      ],
    );
    expect(lines.map((line) => line.raw)).toEqual([success("a", "One"), expired("c")]);
  });

  it("skips a malformed line with a warning that says which file and line it was", () => {
    const [, malformed] = readOpenAIBatchLines(
      numbered(success("a", "One"), '{"custom_id": "b", "resp'),
      "error",
      batch,
    );

    expect(malformed.raw).toBe('{"custom_id": "b", "resp');
    expect(malformed.outcome).toEqual({
      warning: expect.stringMatching(/^\[openai\] Batch batch_1, error file line 2: not valid JSON .*; skipped\.$/),
    });
  });
});
