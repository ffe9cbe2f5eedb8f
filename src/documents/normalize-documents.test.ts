import { expect, it } from "vitest";
import { InputError } from "../core/errors.js";
import { normalizeDocuments } from "./normalize-documents.js";

it("refuses a content part's key that no provider would be sent, naming what it probably meant", () => {
  const withCacheControl = {
    role: "user" as const,
    content: [{ type: "text", text: "Long context.", cache_control: { type: "ephemeral" } }],
  };
  expect(() => normalizeDocuments([withCacheControl as never])).toThrow(InputError);
  expect(() => normalizeDocuments([withCacheControl as never])).toThrow(
    /documents\[0\]\.content\[0\] has `cache_control`, which no provider would be sent; a text part takes type, text\./,
  );
  const typo = { role: "user" as const, content: [{ type: "image", mediatype: "image/png", data: "iVBORw0KGgo=" }] };
  expect(() => normalizeDocuments([typo as never])).toThrow(/has `mediatype`.*did you mean `mediaType`/);
});

it("refuses a content part of a type parallellm cannot send", () => {
  const audio = { role: "user" as const, content: [{ type: "input_audio", data: "..." }] };
  expect(() => normalizeDocuments([audio as never])).toThrow(
    /is a part of type "input_audio", which parallellm cannot send; use text, image, file, tool-call, tool-result/,
  );
});

it("takes every part with the keys it has", () => {
  const { messages } = normalizeDocuments([
    {
      role: "user",
      content: [
        { type: "text", text: "Look:" },
        { type: "image", mediaType: "image/png", data: "iVBORw0KGgo=" },
        { type: "file", mediaType: "application/pdf", url: "https://example.com/a.pdf", filename: "a.pdf" },
      ],
    },
  ]);
  expect(messages[0].content.map((part) => part.type)).toEqual(["text", "image", "file"]);
});
