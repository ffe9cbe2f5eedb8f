import { describe, expect, it } from "vitest";
import { readOpenAIBatchResults } from "./read-openai-batch-results.js";

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

describe("readOpenAIBatchResults", () => {
  it("reads both files, keeps every line for the archive and skips blank ones", () => {
    const output = `${success("a", "One")}\r\n${success("b", "Two")}\r\n`;
    const error = `\n${expired("c")}\n\n`;
    const results = readOpenAIBatchResults(
      [
        { kind: "output", text: output },
        { kind: "error", text: error },
      ],
      batch,
    );

    expect(results.items.map((item) => [item.customId, item.status])).toEqual([
      ["a", "succeeded"],
      ["b", "succeeded"],
      ["c", "expired"],
    ]);
    expect(results.rawLines).toEqual([success("a", "One"), success("b", "Two"), expired("c")]);
    expect(results.warnings).toEqual([]);
  });

  it("skips a malformed line with a warning that says where it was", () => {
    const results = readOpenAIBatchResults(
      [{ kind: "output", text: `${success("a", "One")}\n{"custom_id": "b", "resp` }],
      batch,
    );

    expect(results.items.map((item) => item.customId)).toEqual(["a"]);
    expect(results.rawLines).toHaveLength(2);
    expect(results.warnings).toEqual([
      expect.stringMatching(/^\[openai\] Batch batch_1, output file line 2: not valid JSON .*; skipped\.$/),
    ]);
  });

  it("drops every line of a custom id that appears twice, rather than guessing", () => {
    const results = readOpenAIBatchResults(
      [
        { kind: "output", text: [success("a", "One"), success("dup", "First")].join("\n") },
        { kind: "error", text: expired("dup") },
      ],
      batch,
    );

    expect(results.items.map((item) => item.customId)).toEqual(["a"]);
    expect(results.warnings).toEqual([
      '[openai] Batch batch_1: custom_id "dup" appears on 2 lines (output file line 2, error file line 1); all were skipped, so the request counts as unanswered.',
    ]);
  });

  it("reads nothing from no files", () => {
    expect(readOpenAIBatchResults([], batch)).toEqual({ items: [], rawLines: [], warnings: [] });
  });
});
