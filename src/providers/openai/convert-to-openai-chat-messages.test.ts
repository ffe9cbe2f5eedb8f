import { describe, expect, it } from "vitest";
import { InputError } from "../../core/errors.js";
import { convertToOpenAIChatMessages } from "./convert-to-openai-chat-messages.js";

describe("convertToOpenAIChatMessages", () => {
  it("puts instructions first as a system message", () => {
    expect(
      convertToOpenAIChatMessages("Be brief.", [{ role: "user", content: [{ type: "text", text: "Hi" }] }]),
    ).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
    ]);
  });

  it("maps text, images and inline files to content parts", () => {
    expect(
      convertToOpenAIChatMessages(undefined, [
        {
          role: "user",
          content: [
            { type: "text", text: "Describe" },
            { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
            { type: "image", mediaType: "image/jpeg", url: "https://example.com/cat.jpg" },
            { type: "file", mediaType: "application/pdf", data: "JVBERi0=", filename: "a.pdf" },
            { type: "file", mediaType: "text/plain", data: "aGk=" },
          ],
        },
      ]),
    ).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "Describe" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
          { type: "file", file: { filename: "a.pdf", file_data: "data:application/pdf;base64,JVBERi0=" } },
          { type: "file", file: { filename: "document.txt", file_data: "data:text/plain;base64,aGk=" } },
        ],
      },
    ]);
  });

  it("refuses a file given by URL, saying what to do", () => {
    const convert = () =>
      convertToOpenAIChatMessages(undefined, [
        { role: "user", content: [{ type: "file", mediaType: "application/pdf", url: "https://x.test/a.pdf?sig=s" }] },
      ]);
    expect(convert).toThrow(InputError);
    expect(convert).toThrow(/base64 `data`, or use the Responses API/);
    // A signed URL may carry a credential: it stays out of the message.
    expect(convert).not.toThrow(/sig=/);
  });

  it("echoes assistant tool calls with content null, then tool messages", () => {
    expect(
      convertToOpenAIChatMessages(undefined, [
        { role: "assistant", content: [{ type: "tool-call", id: "call_1", name: "weather", args: { city: "Oslo" } }] },
        {
          role: "user",
          content: [
            { type: "tool-result", toolCallId: "call_1", name: "weather", output: { temperature: 3 } },
            { type: "text", text: "And tomorrow?" },
          ],
        },
      ]),
    ).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "call_1", type: "function", function: { name: "weather", arguments: '{"city":"Oslo"}' } }],
      },
      { role: "tool", tool_call_id: "call_1", content: '{"temperature":3}' },
      { role: "user", content: "And tomorrow?" },
    ]);
  });

  it("keeps assistant text next to tool calls, and several text parts as parts", () => {
    const [withCall, plain, empty] = convertToOpenAIChatMessages(undefined, [
      {
        role: "assistant",
        content: [
          { type: "text", text: "Checking." },
          { type: "tool-call", id: "c", name: "f", args: "not json" },
        ],
      },
      {
        role: "assistant",
        content: [
          { type: "text", text: "a" },
          { type: "text", text: "b" },
        ],
      },
      { role: "assistant", content: [] },
    ]);
    expect(withCall).toEqual({
      role: "assistant",
      content: "Checking.",
      tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "not json" } }],
    });
    expect(plain).toEqual({
      role: "assistant",
      content: [
        { type: "text", text: "a" },
        { type: "text", text: "b" },
      ],
    });
    expect(empty).toEqual({ role: "assistant", content: "" });
  });

  it("refuses parts a role cannot carry", () => {
    expect(() =>
      convertToOpenAIChatMessages(undefined, [
        { role: "assistant", content: [{ type: "tool-result", toolCallId: "c", name: "f", output: 1 }] },
      ]),
    ).toThrow(/`tool-result` part cannot be sent in an assistant message/);
    expect(() =>
      convertToOpenAIChatMessages(undefined, [
        { role: "user", content: [{ type: "tool-call", id: "c", name: "f", args: {} }] },
      ]),
    ).toThrow(/`tool-call` part cannot be sent in a user message/);
  });
});
