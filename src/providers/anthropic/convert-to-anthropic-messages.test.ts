import { describe, expect, it } from "vitest";
import { InputError } from "../../core/errors.js";
import type { Message } from "../../core/llm.js";
import { convertToAnthropicMessages } from "./convert-to-anthropic-messages.js";

describe("convertToAnthropicMessages", () => {
  it("sends a lone text part as the string shorthand and several parts as blocks", () => {
    expect(
      convertToAnthropicMessages([
        { role: "user", content: [{ type: "text", text: "one" }] },
        {
          role: "assistant",
          content: [
            { type: "text", text: "a" },
            { type: "text", text: "b" },
          ],
        },
      ]),
    ).toEqual([
      { role: "user", content: "one" },
      {
        role: "assistant",
        content: [
          { type: "text", text: "a" },
          { type: "text", text: "b" },
        ],
      },
    ]);
  });

  it("merges consecutive messages of the same role (Anthropic requires alternation)", () => {
    const messages: Message[] = [
      { role: "user", content: [{ type: "text", text: "first" }] },
      { role: "user", content: [{ type: "text", text: "second" }] },
      { role: "assistant", content: [{ type: "text", text: "reply" }] },
      { role: "assistant", content: [{ type: "text", text: "more" }] },
      { role: "user", content: [{ type: "text", text: "third" }] },
    ];
    expect(convertToAnthropicMessages(messages)).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "first" },
          { type: "text", text: "second" },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "text", text: "reply" },
          { type: "text", text: "more" },
        ],
      },
      { role: "user", content: "third" },
    ]);
  });

  it("maps tool calls to tool_use and tool results to tool_result blocks, results first in a merged user turn", () => {
    const messages: Message[] = [
      { role: "assistant", content: [{ type: "tool-call", id: "toolu_1", name: "add", args: { a: 1, b: 2 } }] },
      { role: "user", content: [{ type: "text", text: "Here you go:" }] },
      {
        role: "user",
        content: [
          { type: "tool-result", toolCallId: "toolu_1", name: "add", output: { sum: 3 } },
          { type: "tool-result", toolCallId: "toolu_2", name: "fail", output: "boom", isError: true },
        ],
      },
    ];
    expect(convertToAnthropicMessages(messages)).toEqual([
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "add", input: { a: 1, b: 2 } }] },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_1", content: '{"sum":3}' },
          { type: "tool_result", tool_use_id: "toolu_2", content: "boom", is_error: true },
          { type: "text", text: "Here you go:" },
        ],
      },
    ]);
  });

  it("maps images by base64 or URL", () => {
    const [message] = convertToAnthropicMessages([
      {
        role: "user",
        content: [
          { type: "image", mediaType: "image/jpeg", data: "AAAA" },
          { type: "image", mediaType: "image/png", url: "https://example.com/a.png" },
        ],
      },
    ]);
    expect(message.content).toEqual([
      { type: "image", source: { type: "base64", media_type: "image/jpeg", data: "AAAA" } },
      { type: "image", source: { type: "url", url: "https://example.com/a.png" } },
    ]);
  });

  it("maps PDFs (base64 or URL) and text files to document blocks", () => {
    const [message] = convertToAnthropicMessages([
      {
        role: "user",
        content: [
          { type: "file", mediaType: "application/pdf", data: "JVBERi0=", filename: "a.pdf" },
          { type: "file", mediaType: "application/pdf", url: "https://example.com/b.pdf" },
          { type: "file", mediaType: "text/markdown", data: Buffer.from("# Title").toString("base64") },
        ],
      },
    ]);
    expect(message.content).toEqual([
      {
        type: "document",
        source: { type: "base64", media_type: "application/pdf", data: "JVBERi0=" },
        title: "a.pdf",
      },
      { type: "document", source: { type: "url", url: "https://example.com/b.pdf" } },
      { type: "document", source: { type: "text", media_type: "text/plain", data: "# Title" } },
    ]);
  });

  it("drops empty text parts and messages left empty", () => {
    expect(
      convertToAnthropicMessages([
        { role: "user", content: [{ type: "text", text: "" }] },
        { role: "user", content: [{ type: "text", text: "hi" }] },
      ]),
    ).toEqual([{ role: "user", content: "hi" }]);
  });

  it("refuses what Anthropic cannot take, saying what to do", () => {
    const refuse = (messages: Message[]) => () => convertToAnthropicMessages(messages);
    expect(refuse([{ role: "user", content: [{ type: "image", mediaType: "image/tiff", data: "AA" }] }])).toThrow(
      /Unsupported image type `image\/tiff`/,
    );
    expect(refuse([{ role: "user", content: [{ type: "image", mediaType: "image/png" }] }])).toThrow(InputError);
    expect(
      refuse([
        { role: "user", content: [{ type: "file", mediaType: "application/zip", data: "AA", filename: "x.zip" }] },
      ]),
    ).toThrow(/Unsupported file `x.zip`/);
    expect(
      refuse([{ role: "assistant", content: [{ type: "file", mediaType: "application/pdf", data: "AA" }] }]),
    ).toThrow(/assistant turn/);
  });
});
