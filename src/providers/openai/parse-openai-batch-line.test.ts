import { describe, expect, it } from "vitest";
import { providerPayloads } from "../../../test/fixtures/provider-payloads.js";
import { ProviderRequestError, TransientProviderError } from "../../core/errors.js";
import { parseOpenAIBatchLine } from "./parse-openai-batch-line.js";

const fixtures = (providerPayloads as { openai: Record<string, { jsonl_line: Record<string, unknown> }> }).openai;

const chatBatch = { endpoint: "/v1/chat/completions", model: "gpt-4o-mini" } as const;
const responsesBatch = { endpoint: "/v1/responses", model: "gpt-5.4-nano" } as const;

function fixtureLine(name: string, change: Record<string, unknown> = {}): string {
  return JSON.stringify({ ...fixtures[name].jsonl_line, ...change });
}

describe("parseOpenAIBatchLine", () => {
  it("reads a success line by the batch's endpoint", () => {
    expect(parseOpenAIBatchLine(fixtureLine("batch_result_line_success"), chatBatch)).toEqual({
      result: {
        customId: "request-2",
        status: "succeeded",
        result: expect.objectContaining({
          text: "2 + 2 equals 4.",
          responseId: "chatcmpl-9758Iw",
          finishReason: { unified: "stop", raw: "stop" },
          usage: expect.objectContaining({ inputTokens: 24, outputTokens: 15, totalTokens: 39 }),
        }),
      },
    });
  });

  it("skips a success line without an answer (no choices) with a warning instead of throwing", () => {
    const line = JSON.stringify({
      custom_id: "c1",
      response: { status_code: 200, request_id: "r", body: { id: "chatcmpl-1", choices: [] } },
      error: null,
    });
    expect(parseOpenAIBatchLine(line, chatBatch)).toEqual({
      warning: expect.stringMatching(/custom_id "c1" succeeded without a readable answer .*has no choices/),
    });
  });

  it("reads an HTTP error line as a classified failure", () => {
    const parsed = parseOpenAIBatchLine(fixtureLine("batch_result_line_http_error"), responsesBatch);
    if (!("result" in parsed) || parsed.result.status !== "failed") throw new Error("expected a failed result");
    const { error } = parsed.result;

    expect(parsed.result.customId).toBe("20260318_0");
    expect(error).toBeInstanceOf(ProviderRequestError);
    expect(error).toMatchObject({
      provider: "openai",
      model: "gpt-5.4-nano",
      statusCode: 404,
      providerMessage: "The model `gpt-5-mini-2025-08-07-batch` does not exist or you do not have access to it.",
      requestId: "465a86c2-ef40-4dfc-854f-a2f57977fb58",
    });
    expect(error.message).toContain("HTTP 404");
  });

  it("reads a flat error body (Mistral's) under the name of the provider it reads for", () => {
    const line = JSON.stringify({
      id: "batch-1",
      custom_id: "c1",
      response: {
        status_code: 422,
        body: { object: "error", message: "Extra inputs are not permitted", type: "invalid_request_error" },
      },
      error: null,
    });
    const parsed = parseOpenAIBatchLine(line, { ...chatBatch, model: "mistral-small-latest", provider: "mistral" });
    if (!("result" in parsed) || parsed.result.status !== "failed") throw new Error("expected a failed result");
    expect(parsed.result.error).toMatchObject({
      provider: "mistral",
      model: "mistral-small-latest",
      statusCode: 422,
      providerMessage: "Extra inputs are not permitted",
    });
  });

  it("reads the non-HTTP errors: expired, cancelled, and a timeout as a network failure", () => {
    const line = (code: string) =>
      fixtureLine("batch_result_line_non_http_error", { error: { code, message: "Took too long." } });

    expect(parseOpenAIBatchLine(line("batch_expired"), chatBatch)).toEqual({
      result: { customId: "request-7", status: "expired" },
    });
    expect(parseOpenAIBatchLine(line("batch_cancelled"), chatBatch)).toEqual({
      result: { customId: "request-7", status: "cancelled" },
    });
    const timeout = parseOpenAIBatchLine(line("request_timeout"), chatBatch);
    if (!("result" in timeout) || timeout.result.status !== "failed") throw new Error("expected a failed result");
    expect(timeout.result.error).toBeInstanceOf(TransientProviderError);
    expect(timeout.result.error).toMatchObject({
      kind: "network",
      statusCode: undefined,
      providerMessage: "Took too long. (request_timeout)",
    });
  });

  it("turns lines it cannot trust into warnings, never throwing", () => {
    const success = fixtureLine("batch_result_line_success");
    const hostile = {
      truncated: success.slice(0, success.length / 2),
      array: "[1, 2]",
      noCustomId: fixtureLine("batch_result_line_success", { custom_id: undefined }),
      numericCustomId: fixtureLine("batch_result_line_success", { custom_id: 7 }),
      unknownShape: JSON.stringify({ custom_id: "x", result: { type: "succeeded" } }),
      redirect: fixtureLine("batch_result_line_success", { response: { status_code: 302, body: {} } }),
      bodyless: fixtureLine("batch_result_line_success", { response: { status_code: 200, body: "ok" } }),
    };
    const warnings = Object.fromEntries(
      Object.entries(hostile).map(([name, line]) => {
        const parsed = parseOpenAIBatchLine(line, chatBatch);
        return [name, "warning" in parsed ? parsed.warning : "parsed"];
      }),
    );

    expect(warnings).toEqual({
      truncated: expect.stringMatching(/^not valid JSON \(\{"id":"batch_req_wnaDys"/),
      array: "not a JSON object ([1, 2])",
      noCustomId: expect.stringMatching(/^no custom_id/),
      numericCustomId: expect.stringMatching(/^no custom_id/),
      unknownShape: expect.stringMatching(/^custom_id "x" has neither a response nor an error code/),
      redirect: 'custom_id "request-2" has an unexpected status_code 302',
      bodyless: 'custom_id "request-2" succeeded but has no response body',
    });
    expect(warnings.truncated).toContain("…");
  });
});
