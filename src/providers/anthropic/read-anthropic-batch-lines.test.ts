import { describe, expect, it } from "vitest";
import { providerPayloads } from "../../../test/fixtures/provider-payloads.js";
import { ProviderRequestError, TransientProviderError } from "../../core/errors.js";
import { jsonLineChunks } from "../shared/json-line-chunks.js";
import { parseAnthropicBatchLine } from "./parse-anthropic-batch-line.js";
import { readAnthropicBatchLines } from "./read-anthropic-batch-lines.js";

const fixtures = providerPayloads.anthropic;
const line = (name: string) => JSON.stringify(fixtures[name].jsonl_line);

describe("parseAnthropicBatchLine on the recorded shapes", () => {
  it("reads a succeeded line as the neutral result", () => {
    const parsed = parseAnthropicBatchLine(line("batch_result_line_succeeded"));
    if (!parsed.ok || parsed.item.status !== "succeeded") throw new Error("expected a success");
    expect(parsed.item.customId).toBe("my-first-request");
    expect(parsed.item.result).toMatchObject({
      text: expect.stringMatching(/^I have successfully executed/),
      finishReason: { unified: "stop", raw: "end_turn" },
      responseId: "msg_01J176zPPSGQBvQpzw2qy5x4",
      model: "claude-opus-4-8",
      usage: { inputTokens: 505, outputTokens: 41 },
    });
  });

  it("reads an errored line as a classified ProviderError (request_id null: none)", () => {
    const parsed = parseAnthropicBatchLine(line("batch_result_line_errored"));
    if (!parsed.ok || parsed.item.status !== "failed") throw new Error("expected a failure");
    expect(parsed.item.error).toBeInstanceOf(ProviderRequestError);
    expect(parsed.item.error).toMatchObject({
      provider: "anthropic",
      statusCode: 400,
      kind: "request-rejected",
      providerMessage: expect.stringMatching(/^max_tokens: 128001 > 64000/),
      requestId: undefined,
    });
  });

  it("reads canceled and expired lines", () => {
    expect(parseAnthropicBatchLine(line("batch_result_line_canceled"))).toEqual({
      ok: true,
      item: { customId: "my-third-request", status: "cancelled" },
    });
    expect(parseAnthropicBatchLine(line("batch_result_line_expired"))).toEqual({
      ok: true,
      item: { customId: "my-fourth-request", status: "expired" },
    });
  });

  it.each([
    ["overloaded_error", 529, "overloaded"],
    ["rate_limit_error", 429, "rate-limited"],
    ["api_error", 500, "server"],
    ["permission_error", 403, "authentication"],
    ["request_too_large", 413, "request-rejected"],
  ])("maps error type %s to HTTP %i (%s)", (type, statusCode, kind) => {
    const parsed = parseAnthropicBatchLine(
      JSON.stringify({
        custom_id: "a",
        result: { type: "errored", error: { type: "error", error: { type, message: "m" }, request_id: "req_1" } },
      }),
    );
    if (!parsed.ok || parsed.item.status !== "failed") throw new Error("expected a failure");
    expect(parsed.item.error).toMatchObject({ statusCode, kind, providerMessage: "m", requestId: "req_1" });
  });

  it("keeps an unknown error type in the message, with no status (transient)", () => {
    const parsed = parseAnthropicBatchLine(
      JSON.stringify({
        custom_id: "a",
        result: { type: "errored", error: { type: "error", error: { type: "new_error", message: "Odd" } } },
      }),
    );
    if (!parsed.ok || parsed.item.status !== "failed") throw new Error("expected a failure");
    expect(parsed.item.error).toBeInstanceOf(TransientProviderError);
    expect(parsed.item.error).toMatchObject({ statusCode: undefined, providerMessage: "new_error: Odd" });
  });
});

/** The text as a downloaded body, in small pieces (split inside lines), read the way the adapter reads it. */
async function readText(text: string) {
  const bytes = new TextEncoder().encode(text);
  async function* body() {
    for (let start = 0; start < bytes.length; start += 7) yield bytes.slice(start, start + 7);
  }
  const lines = [];
  for await (const chunk of jsonLineChunks(body(), "anthropic"))
    lines.push(...readAnthropicBatchLines("msgbatch_x", chunk));
  return {
    items: lines.flatMap(({ outcome }) => ("warning" in outcome ? [] : [outcome])),
    rawLines: lines.map((line) => line.raw),
    warnings: lines.flatMap(({ outcome }) => ("warning" in outcome ? [outcome.warning] : [])),
  };
}

describe("readAnthropicBatchLines on hostile input", () => {
  it("skips unreadable lines with warnings that say where and why, never throwing", async () => {
    const text = [
      line("batch_result_line_succeeded"),
      "",
      "{truncated",
      "[1,2]",
      "null",
      JSON.stringify({ custom_id: "", result: { type: "expired" } }),
      JSON.stringify({ custom_id: 7, result: { type: "expired" } }),
      JSON.stringify({ custom_id: "no-result" }),
      JSON.stringify({ custom_id: "no-message", result: { type: "succeeded" } }),
      JSON.stringify({ custom_id: "bad-message", result: { type: "succeeded", message: { content: "text" } } }),
      `${line("batch_result_line_expired")}\r`,
      "   ",
    ].join("\n");

    const results = await readText(text);

    expect(results.items.map((item) => [item.customId, item.status])).toEqual([
      ["my-first-request", "succeeded"],
      ["my-fourth-request", "expired"],
    ]);
    expect(results.rawLines).toHaveLength(10);
    expect(results.rawLines).not.toContain("");
    expect(results.warnings).toEqual([
      expect.stringMatching(
        /^\[anthropic\] Batch msgbatch_x, result line 3: not valid JSON: "\{truncated"; skipped\.$/,
      ),
      expect.stringMatching(/line 4: not a JSON object/),
      expect.stringMatching(/line 5: not a JSON object/),
      expect.stringMatching(/line 6: no custom_id/),
      expect.stringMatching(/line 7: no custom_id/),
      expect.stringMatching(/line 8: custom_id "no-result" has no known result type/),
      expect.stringMatching(/line 9: custom_id "no-message" succeeded without a readable message/),
      expect.stringMatching(/line 10: custom_id "bad-message" succeeded without a readable message/),
    ]);
  });

  it("truncates long lines in warnings", async () => {
    const results = await readText(`{${"x".repeat(10_000)}`);
    expect(results.warnings[0].length).toBeLessThan(300);
    expect(results.rawLines[0]).toHaveLength(10_001);
  });
});
