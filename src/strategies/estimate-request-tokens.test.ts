import { describe, expect, it } from "vitest";
import type { LLMRequest } from "../core/llm.js";
import { estimateRequestTokens } from "./estimate-request-tokens.js";

const base: LLMRequest = { provider: "openai", model: "gpt-4.1-mini", messages: [] };
const user = (text: string) => ({ role: "user" as const, content: [{ type: "text" as const, text }] });

describe("estimateRequestTokens", () => {
  it("counts four characters a token over instructions and text, rounding up", () => {
    expect(estimateRequestTokens(base)).toBe(0);
    expect(estimateRequestTokens({ ...base, messages: [user("Hello there!")] })).toBe(3);
    expect(estimateRequestTokens({ ...base, instructions: "Be brief.", messages: [user("x".repeat(4000))] })).toBe(
      Math.ceil(4009 / 4),
    );
  });

  it("adds the requested output allowance", () => {
    expect(estimateRequestTokens({ ...base, messages: [user("x".repeat(400))], options: { maxTokens: 256 } })).toBe(
      356,
    );
  });

  it("counts tool calls, tool results, tool definitions and the schema as JSON; not images", () => {
    const tools = [{ name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } }];
    const schema = { name: "answer", jsonSchema: { type: "object", properties: { ok: { type: "boolean" } } } };
    const request: LLMRequest = {
      ...base,
      tools,
      schema,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Weather?" },
            { type: "image", mediaType: "image/png", data: "A".repeat(10_000) },
          ],
        },
        { role: "assistant", content: [{ type: "tool-call", id: "c1", name: "get_weather", args: { city: "Oslo" } }] },
        {
          role: "user",
          content: [{ type: "tool-result", toolCallId: "c1", name: "get_weather", output: { celsius: 4 } }],
        },
      ],
    };
    const characters =
      "Weather?".length +
      "get_weather".length +
      JSON.stringify({ city: "Oslo" }).length +
      JSON.stringify({ celsius: 4 }).length +
      JSON.stringify(tools).length +
      JSON.stringify(schema.jsonSchema).length;
    expect(estimateRequestTokens(request)).toBe(Math.ceil(characters / 4));
  });
});
