import { describe, expect, it } from "vitest";
import { InputError } from "../../core/errors.js";
import type { Message } from "../../core/llm.js";
import { convertToGeminiContents, skipThoughtSignatureValidator } from "./convert-to-gemini-contents.js";

const model = "gemini-2.5-flash";

describe("convertToGeminiContents", () => {
  it("maps roles to user/model and merges consecutive turns of the same role", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "a" }] },
      { role: "user", content: [{ type: "text", text: "b" }] },
      { role: "assistant", content: [{ type: "text", text: "c" }] },
      { role: "user", content: [{ type: "text", text: "" }] },
    ];
    expect(convertToGeminiContents(messages, model)).toEqual([
      { role: "user", parts: [{ text: "a" }, { text: "b" }] },
      { role: "model", parts: [{ text: "c" }] },
    ]);
  });

  it("maps base64 data to inlineData and URLs to fileData", () => {
    const [content] = convertToGeminiContents(
      [
        {
          role: "user",
          content: [
            { type: "image", mediaType: "image/png", data: "AAAA" },
            { type: "file", mediaType: "application/pdf", url: "https://example.com/a.pdf", filename: "a.pdf" },
          ],
        },
      ],
      model,
    );
    expect(content.parts).toEqual([
      { inlineData: { mimeType: "image/png", data: "AAAA" } },
      { fileData: { mimeType: "application/pdf", fileUri: "https://example.com/a.pdf" } },
    ]);
  });

  it("sends tool calls as functionCall parts and results as functionResponse parts in one user turn", () => {
    const messages: Message[] = [
      {
        role: "assistant",
        content: [
          { type: "tool-call", id: "fc-abc", name: "lookup", args: { q: "x" } },
          { type: "tool-call", id: "call_1", name: "lookup", args: { q: "y" } },
        ],
      },
      { role: "user", content: [{ type: "tool-result", toolCallId: "fc-abc", name: "lookup", output: { hits: 2 } }] },
      { role: "user", content: [{ type: "tool-result", toolCallId: "call_1", name: "lookup", output: [1, 2] }] },
    ];
    expect(convertToGeminiContents(messages, model)).toEqual([
      {
        role: "model",
        parts: [
          { functionCall: { name: "lookup", args: { q: "x" }, id: "fc-abc" } },
          // A made-up id (the response had none) is not sent back.
          { functionCall: { name: "lookup", args: { q: "y" } } },
        ],
      },
      {
        role: "user",
        parts: [
          { functionResponse: { name: "lookup", response: { hits: 2 }, id: "fc-abc" } },
          { functionResponse: { name: "lookup", response: { output: [1, 2] } } },
        ],
      },
    ]);
  });

  it("wraps non-object results as { output } and failures as { error }", () => {
    const [content] = convertToGeminiContents(
      [
        {
          role: "user",
          content: [
            { type: "tool-result", toolCallId: "a", name: "t", output: "plain" },
            { type: "tool-result", toolCallId: "b", name: "t", output: null },
            { type: "tool-result", toolCallId: "c", name: "t", output: "no such city", isError: true },
          ],
        },
      ],
      model,
    );
    expect(content.parts.map((part) => (part.functionResponse as { response: unknown }).response)).toEqual([
      { output: "plain" },
      { output: null },
      { error: "no such city" },
    ]);
  });

  it("adds Google's validator-skipping thought signature to replayed calls for Gemini 3 and later", () => {
    const messages: Message[] = [
      { role: "assistant", content: [{ type: "tool-call", id: "x1", name: "t", args: {} }] },
    ];
    for (const newer of ["gemini-3-pro-preview", "models/gemini-3.7-flash", "gemini-10-ultra"]) {
      expect(convertToGeminiContents(messages, newer)[0].parts[0]).toEqual({
        functionCall: { name: "t", args: {}, id: "x1" },
        thoughtSignature: skipThoughtSignatureValidator,
      });
    }
    expect(convertToGeminiContents(messages, "gemini-2.5-pro")[0].parts[0]).not.toHaveProperty("thoughtSignature");
  });

  it("refuses an image with neither data nor url", () => {
    expect(() =>
      convertToGeminiContents([{ role: "user", content: [{ type: "image", mediaType: "image/png" }] }], model),
    ).toThrow(InputError);
  });
});
