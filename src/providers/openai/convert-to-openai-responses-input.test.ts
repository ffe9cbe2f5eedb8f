import { describe, expect, it } from "vitest";
import { InputError } from "../../core/errors.js";
import { convertToOpenAIResponsesInput } from "./convert-to-openai-responses-input.js";

describe("convertToOpenAIResponsesInput", () => {
  it("sends a lone text part as a plain string", () => {
    expect(convertToOpenAIResponsesInput([{ role: "user", content: [{ type: "text", text: "Hi" }] }])).toEqual([
      { role: "user", content: "Hi" },
    ]);
  });

  it("keeps several parts as input_text / input_image / input_file parts", () => {
    const input = convertToOpenAIResponsesInput([
      {
        role: "user",
        content: [
          { type: "text", text: "Compare" },
          { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
          { type: "image", mediaType: "image/jpeg", url: "https://example.com/cat.jpg" },
          { type: "file", mediaType: "application/pdf", data: "JVBERi0=", filename: "report.pdf" },
          { type: "file", mediaType: "application/pdf", data: "JVBERi0=" },
          { type: "file", mediaType: "application/pdf", url: "https://example.com/letter.pdf" },
        ],
      },
    ]);
    expect(input).toEqual([
      {
        role: "user",
        content: [
          { type: "input_text", text: "Compare" },
          { type: "input_image", image_url: "data:image/png;base64,iVBORw0KGgo=", detail: "auto" },
          { type: "input_image", image_url: "https://example.com/cat.jpg", detail: "auto" },
          { type: "input_file", filename: "report.pdf", file_data: "data:application/pdf;base64,JVBERi0=" },
          { type: "input_file", filename: "document.pdf", file_data: "data:application/pdf;base64,JVBERi0=" },
          { type: "input_file", file_url: "https://example.com/letter.pdf" },
        ],
      },
    ]);
  });

  it("keeps a lone image as a part list", () => {
    expect(
      convertToOpenAIResponsesInput([{ role: "user", content: [{ type: "image", mediaType: "image/gif", url: "u" }] }]),
    ).toEqual([{ role: "user", content: [{ type: "input_image", image_url: "u", detail: "auto" }] }]);
  });

  it("echoes assistant turns: text messages and function_call items, in order", () => {
    expect(
      convertToOpenAIResponsesInput([
        {
          role: "assistant",
          content: [
            { type: "text", text: "Let me check." },
            { type: "tool-call", id: "call_1", name: "weather", args: { city: "Oslo" } },
            { type: "tool-call", id: "call_2", name: "time", args: undefined },
          ],
        },
      ]),
    ).toEqual([
      { role: "assistant", content: "Let me check." },
      { type: "function_call", call_id: "call_1", name: "weather", arguments: '{"city":"Oslo"}' },
      { type: "function_call", call_id: "call_2", name: "time", arguments: "{}" },
    ]);
  });

  it("turns tool results into function_call_output items before the rest of the turn", () => {
    expect(
      convertToOpenAIResponsesInput([
        {
          role: "user",
          content: [
            { type: "text", text: "Here you go" },
            { type: "tool-result", toolCallId: "call_1", name: "weather", output: { temperature: 3 } },
            { type: "tool-result", toolCallId: "call_2", name: "time", output: "12:00", isError: false },
          ],
        },
      ]),
    ).toEqual([
      { type: "function_call_output", call_id: "call_1", output: '{"temperature":3}' },
      { type: "function_call_output", call_id: "call_2", output: "12:00" },
      { role: "user", content: "Here you go" },
    ]);
  });

  it("sends no empty user message after tool results alone", () => {
    expect(
      convertToOpenAIResponsesInput([
        { role: "user", content: [{ type: "tool-result", toolCallId: "c", name: "f", output: null }] },
      ]),
    ).toEqual([{ type: "function_call_output", call_id: "c", output: "null" }]);
  });

  it("keeps the turn for empty messages", () => {
    expect(
      convertToOpenAIResponsesInput([
        { role: "user", content: [] },
        { role: "assistant", content: [] },
      ]),
    ).toEqual([
      { role: "user", content: "" },
      { role: "assistant", content: "" },
    ]);
  });

  it("keeps multi-turn order", () => {
    const input = convertToOpenAIResponsesInput([
      { role: "user", content: [{ type: "text", text: "1" }] },
      { role: "assistant", content: [{ type: "text", text: "2" }] },
      { role: "user", content: [{ type: "text", text: "3" }] },
    ]);
    expect(input.map((item) => [item["role"], item["content"]])).toEqual([
      ["user", "1"],
      ["assistant", "2"],
      ["user", "3"],
    ]);
  });

  it("refuses parts a role cannot carry", () => {
    expect(() =>
      convertToOpenAIResponsesInput([{ role: "user", content: [{ type: "tool-call", id: "c", name: "f", args: {} }] }]),
    ).toThrow(InputError);
    expect(() =>
      convertToOpenAIResponsesInput([
        { role: "assistant", content: [{ type: "image", mediaType: "image/png", data: "AA==" }] },
      ]),
    ).toThrow(/`image` part cannot be sent in an assistant message/);
  });

  it("refuses media with neither data nor url", () => {
    expect(() =>
      convertToOpenAIResponsesInput([{ role: "user", content: [{ type: "image", mediaType: "image/png" }] }]),
    ).toThrow(/neither `data` nor `url`/);
  });
});
