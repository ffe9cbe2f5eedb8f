/**
 * Consumers with `exactOptionalPropertyTypes` (what `tsc --init` writes) can
 * pass a value that may be undefined to every optional property of every
 * public input type: each is declared `name?: T | undefined`.
 */
import { resolve } from "node:path";
import { expect, it } from "vitest";
import { optionalInputsRefusingUndefined } from "./public-input-types.js";

it("every optional property of a public input type accepts undefined", () => {
  const root = resolve(import.meta.dirname, "..");
  expect(
    optionalInputsRefusingUndefined(root, [
      "src/index.ts",
      "src/testing/index.ts",
      "src/openai.ts",
      "src/anthropic.ts",
      "src/google.ts",
      "src/ai-sdk.ts",
      "src/mistral.ts",
    ]),
  ).toEqual([]);
});

it("finds optional input properties that refuse undefined, and leaves output types alone", () => {
  const root = resolve(import.meta.dirname, "fixtures", "public-types");
  expect(optionalInputsRefusingUndefined(root, ["src/index.ts"])).toEqual([
    "src/index.ts:11 Reply.text",
    "src/index.ts:4 Settings.bad",
    "src/index.ts:5 Settings.deep",
    "src/index.ts:6 Settings.byName (Partial<…>)",
  ]);
});
