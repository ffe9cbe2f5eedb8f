import { describe, expect, it } from "vitest";
import { type EmbedShape, embeddedText, prepareEmbedCall } from "./prepare-embed-call.js";

const shape: EmbedShape = {
  llm: { id: "text-embedding-3-small", provider: "openai", model: "text-embedding-3-small", api: undefined },
  options: {},
};

describe("prepareEmbedCall", () => {
  it("the hash covers provider, model, text, dimensions and input type, and nothing else", () => {
    const hash = (text: string, change: Partial<EmbedShape["llm"]> = {}, options: EmbedShape["options"] = {}) =>
      prepareEmbedCall(text, { llm: { ...shape.llm, ...change }, options }).hash;
    const base = hash("text");
    expect(hash("text")).toBe(base);
    expect(hash("other")).not.toBe(base);
    expect(hash("text", { model: "text-embedding-3-large" })).not.toBe(base);
    expect(hash("text", { provider: "local" })).not.toBe(base);
    expect(hash("text", {}, { dimensions: 8 })).not.toBe(base);
    expect(hash("text", {}, { inputType: "RETRIEVAL_QUERY" })).not.toBe(base);
    // Which API the provider sends asks by, and the nickname, shape no vector.
    expect(hash("text", { api: "chat", id: "embedder" })).toBe(base);
  });

  it("a long text is stored once as a document, and the request carries it as the one user message", () => {
    const text = "x".repeat(5000);
    const call = prepareEmbedCall(text, shape);
    expect(call.canonical.json).not.toContain(text);
    expect([...call.canonical.documents.values()]).toEqual([text]);
    expect(embeddedText(call.request)).toBe(text);
    expect(call.request.embedding).toEqual({});
  });
});
