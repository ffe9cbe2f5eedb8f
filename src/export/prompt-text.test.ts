import { describe, expect, it } from "vitest";
import { base64Bytes, type DocumentSource, promptText } from "./prompt-text.js";

const documents: DocumentSource = {
  text: (hash) => ({ long: "A long text.", args: "long argument" })[hash],
  byteSize: (hash) => ({ photo: 123_456 })[hash],
};

const user = (...content: unknown[]) => ({ role: "user", content });

describe("promptText", () => {
  it("gives one user message as its text, and the instructions apart", () => {
    const canonical = JSON.stringify({
      instructions: { $doc: "long" },
      messages: [user({ type: "text", text: "Hi." })],
    });
    expect(promptText(canonical, documents)).toEqual({
      instructions: "A long text.",
      prompt: "Hi.",
      hasSchema: false,
    });
  });

  it("notes images and files by type and size, and tool calls and results by name", () => {
    const canonical = JSON.stringify({
      messages: [
        user(
          { type: "text", text: { $doc: "long" } },
          { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
          { type: "image", mediaType: "image/jpeg", data: { $doc: "photo" } },
          { type: "image", mediaType: "image/png", url: "https://example.com/a.png" },
          { type: "file", mediaType: "application/pdf", data: "JVBERi0x", filename: "report.pdf" },
        ),
        {
          role: "assistant",
          content: [{ type: "tool-call", id: "c1", name: "get_weather", args: { city: { $doc: "args" } } }],
        },
        user({ type: "tool-result", toolCallId: "c1", name: "get_weather", output: { degrees: 21 }, isError: true }),
      ],
      schema: { name: "answer", jsonSchema: {} },
    });
    expect(promptText(canonical, documents)).toEqual({
      instructions: undefined,
      prompt: [
        "user: A long text.\n[image image/png, 8 bytes]\n[image image/jpeg, 123456 bytes]\n[image https://example.com/a.png]\n[file report.pdf application/pdf, 6 bytes]",
        'assistant: [tool call get_weather {"city":"long argument"}]',
        'user: [tool result get_weather (error): {"degrees":21}]',
      ].join("\n\n"),
      hasSchema: true,
    });
  });

  it("says so when a document is missing, and has no prompt when the messages were not stored", () => {
    const missing = JSON.stringify({ messages: [user({ type: "text", text: { $doc: "gone" } })] });
    expect(promptText(missing, documents).prompt).toBe("[document gone is missing from the store]");
    expect(promptText(JSON.stringify({ llm: {} }), documents).prompt).toBeUndefined();
  });
});

describe("base64Bytes", () => {
  it.each([
    ["", 0],
    ["QQ==", 1],
    ["QUI=", 2],
    ["QUJD", 3],
  ])("%j decodes to %i bytes", (text, bytes) => {
    expect(base64Bytes(text.length, text.slice(-2))).toBe(bytes);
  });
});
